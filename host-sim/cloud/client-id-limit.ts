/**
 * How long an MQTT client id may be. Tencent's client id is product id + device name (PROTOCOL.md §6):
 * 10 + up to 48 characters. MQTT 3.1 capped client ids at 23 characters and aedes keeps that cap for protocol
 * level 3 by default, but some of Tencent's own SDKs log in with MQTT 3.1, so the broker accepts every length
 * a device of its products can have — on 3.1 and 3.1.1 alike — and refuses longer ids (CONNACK 2).
 */
import type { Product } from './products.js';

/** Tencent's device-name limit (PROTOCOL.md §1). */
export const MAX_DEVICE_NAME_LENGTH = 48;
/** Tencent's product ids are 10 characters; the local cloud also takes longer ones (products.ts). */
export const TENCENT_PRODUCT_ID_LENGTH = 10;

/** The longest client id a device of `products` can have, and never less than Tencent's 10 + 48. */
export function maxClientIdLength(products: readonly Product[]): number {
  const longestId = Math.max(TENCENT_PRODUCT_ID_LENGTH, ...products.map((p) => p.productId.length));
  return longestId + MAX_DEVICE_NAME_LENGTH;
}
