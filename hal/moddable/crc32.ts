/**
 * CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320) — the checksum of a stored credential slot.
 *
 * Bitwise on purpose: a 1 KiB lookup table would be a module-level typed array, which XS preload freezes
 * into flash; the records it checks are a few kilobytes, read once per boot, so speed does not matter.
 * It detects torn or mixed slots; it is not a security measure (NVS is plaintext anyway).
 */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) {
    crc ^= bytes[i]!;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
