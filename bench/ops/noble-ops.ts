// Bundle entry (esbuild): the benchmark's operations on @noble/hashes + @noble/ciphers.
import * as noble from '../peers/noble-crypto.js';
import { makePeerOps } from './peer-ops.js';

const ops = makePeerOps(noble);
export const { v1Signature, v2Signature, decryptPayload, keyModeFlow } = ops;
/** The bare five crypto functions, for the primitive timings. */
export const crypto = noble;
