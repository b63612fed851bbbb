// Bundle entry (esbuild): the benchmark's operations on OUR five crypto functions, through exactly the same
// peer-ops code as noble and crypto-js. Used for a like-for-like memory figure (the real-API `ours` loads
// the whole core — protocol, device-info, PKI, runner — which the peers' bundles do not carry).
import { aesCbcDecrypt, hmacSha1, hmacSha256, sha1, sha256 } from '../../src/index.js';
import { makePeerOps } from './peer-ops.js';

const ours = { sha1, sha256, hmacSha1, hmacSha256, aesCbcDecrypt };
const ops = makePeerOps(ours);
export const { v1Signature, v2Signature, decryptPayload, keyModeFlow } = ops;
/** The bare five crypto functions, for the primitive timings. */
export const crypto = ours;
