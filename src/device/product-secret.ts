/**
 * The product secret: it signs the registration request and its first 16 characters are the AES-128 key of
 * the answer (PROTOCOL.md §2, §4), so fewer than 16 characters can never work.
 */
import { IotError } from '../errors.js';

/** Tencent's secrets are 16..32 characters in practice; the upper bound is loose because it is undocumented. */
const PRODUCT_SECRET = /^[\x21-\x7e]{16,64}$/;
/** The C SDK's sample files carry placeholders such as `YOUR_PRODUCT_SECRET` (17 characters: long enough to pass). */
const PLACEHOLDER = /^YOUR_[A-Z_]*$/;

/** Returns `secret` when it can be used to register; otherwise `bad-input` naming the field, never the value. */
export function validateProductSecret(secret: unknown): string {
  if (typeof secret !== 'string' || secret === '') throw new IotError('bad-input', 'productSecret is missing');
  if (PLACEHOLDER.test(secret)) throw new IotError('bad-input', 'productSecret is still a placeholder: copy it from the product page of the console');
  if (!PRODUCT_SECRET.test(secret)) throw new IotError('bad-input', 'productSecret must be 16..64 printable ASCII characters without spaces');
  return secret;
}
