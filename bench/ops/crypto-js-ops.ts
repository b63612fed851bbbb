// Bundle entry (esbuild): the benchmark's operations on crypto-js.
import * as cryptoJs from '../peers/crypto-js-crypto.js';
import { makePeerOps } from './peer-ops.js';

const ops = makePeerOps(cryptoJs);
export const { v1Signature, v2Signature, decryptPayload, keyModeFlow } = ops;
/** The bare five crypto functions, for the primitive timings. */
export const crypto = cryptoJs;
