/**
 * Identifiers a device is known by: its name (chosen by the device under auto-create) and the product id.
 */
import { IotError } from '../errors.js';

/** Tencent's rule for device names (PROTOCOL.md §1). */
// A RegExp is made where it is used, never kept in a module constant: a preloaded module's RegExp lives in XS's
// read-only heap, and there exec crashed Moddable's runtime after a garbage collection (SDK 8.2.3, test/moddable).
const deviceNamePattern = (): RegExp => /^[A-Za-z0-9:_-]{1,48}$/;
/**
 * Product ids are 10 upper-case letters and digits in every known example; they become the first label of
 * the broker's host name, so anything outside letters and digits (a dot, a slash) is refused, while the
 * length is left loose (1..32) because Tencent does not document it.
 */
const productIdPattern = (): RegExp => /^[A-Za-z0-9]{1,32}$/;

/** Returns `name` when it is a valid device name; otherwise `bad-input` saying what the rule is. */
export function validateDeviceName(name: unknown): string {
  if (typeof name !== 'string') throw new IotError('bad-input', 'deviceName must be a string');
  if (!deviceNamePattern().test(name)) throw new IotError('bad-input', 'deviceName must be 1..48 characters of A-Z a-z 0-9 : _ -');
  return name;
}

/** Returns `id` when it is a plausible product id (letters and digits, 1..32); otherwise `bad-input`. */
export function validateProductId(id: unknown): string {
  if (typeof id !== 'string') throw new IotError('bad-input', 'productId must be a string');
  if (!productIdPattern().test(id)) throw new IotError('bad-input', 'productId must be 1..32 letters and digits');
  return id;
}

/**
 * A default device name from a MAC address, for products that auto-create devices (PROTOCOL.md §5).
 *
 * Accepts the spellings one meets: `a4:d1:8c:db:c0:20`, `A4-D1-8C-DB-C0-20`, `a4d1.8cdb.c020`,
 * `A4D18CDBC020`. Always returns upper-case pairs joined by colons, `A4:D1:8C:DB:C0:20`: that is exactly what
 * Moddable's `Net.get("MAC")` returns on the ESP32, so a device and the host tools that read its MAC from a
 * label agree on the name; and `:` is allowed in device names. (One consequence: the C SDK-style cert file
 * names `<deviceName>_cert.crt` then contain colons, which some desktop file systems refuse.)
 */
export function deviceNameFromMac(mac: unknown): string {
  if (typeof mac !== 'string') throw new IotError('bad-input', 'MAC address must be a string');
  const text = mac.trim();
  let hex: string;
  if (/^[0-9A-Fa-f]{12}$/.test(text)) {
    hex = text;
  } else if (/^[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(\1[0-9A-Fa-f]{2}){4}$/.test(text)) {
    hex = text.replace(/[:-]/g, '');
  } else if (/^[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}$/.test(text)) {
    hex = text.replace(/\./g, '');
  } else {
    throw new IotError('bad-input', 'MAC address must be 6 bytes in hex (aa:bb:cc:dd:ee:ff, aa-bb-…, aabb.ccdd.eeff or aabbccddeeff)');
  }
  const upper = hex.toUpperCase();
  const pairs: string[] = [];
  for (let i = 0; i < 12; i += 2) pairs.push(upper.slice(i, i + 2));
  return pairs.join(':');
}
