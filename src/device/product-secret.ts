/**
 * The product secret: it signs the registration request and its first 16 characters are the AES-128 key of
 * the answer (PROTOCOL.md §2, §4), so fewer than 16 characters can never work.
 */
import { IotError } from '../errors.js';

/** Tencent's secrets are 16..32 characters in practice; the upper bound is loose because it is undocumented. */
// A RegExp is made where it is used, never kept in a module constant: a preloaded module's RegExp lives in XS's
// read-only heap, and there exec crashed Moddable's runtime after a garbage collection (SDK 8.2.3, test/moddable).
const productSecretPattern = (): RegExp => /^[\x21-\x7e]{16,64}$/;
/** The C SDK's sample files carry placeholders such as `YOUR_PRODUCT_SECRET` (17 characters: long enough to pass). */
const placeholderPattern = (): RegExp => /^YOUR_[A-Z_]*$/;

/** Returns `secret` when it can be used to register; otherwise `bad-input` naming the field, never the value. */
export function validateProductSecret(secret: unknown): string {
  if (typeof secret !== 'string' || secret === '') throw new IotError('bad-input', 'productSecret is missing');
  if (placeholderPattern().test(secret)) throw new IotError('bad-input', 'productSecret is still a placeholder: copy it from the product page of the console');
  if (!productSecretPattern().test(secret)) throw new IotError('bad-input', 'productSecret must be 16..64 printable ASCII characters without spaces');
  return secret;
}
