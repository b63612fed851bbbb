/**
 * The portable core's public surface: everything here runs unchanged on V8 and on XS. `npm run build`
 * bundles this file into dist/core.js (one ES module, no imports).
 */
export { IotError, isIotError } from './errors.js';
export type { IotErrorCode, IotErrorDetails } from './errors.js';
