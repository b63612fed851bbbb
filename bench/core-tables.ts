/**
 * The tables the core keeps for its whole life, found by reading src/ (module-level constants that are not
 * scalars or regular expressions). The bench cross-checks the buffer entries against the buffers dist/core.js
 * really retains after loading (xs-measure.ts `retainedCoreBuffers`) and reports a mismatch, so an outdated
 * list shows up in results.json instead of going unnoticed. Update it when src/ changes.
 *
 * All of them are built once at load and never written afterwards, so XS preload can keep them in flash.
 */
import type { CoreTable } from './results.js';

/** XS on the ESP32: 16-byte slots; a short string is one slot plus a chunk (characters, NUL, 4-byte header). */
const ESP32_SLOT = 16;
const stringChunk = (characters: number): number => 4 + characters + 1;

export const CORE_TABLES: readonly CoreTable[] = [
  { name: 'AES S-box (TABLES.sbox)', file: 'src/crypto/aes.ts', type: 'Uint8Array', bytes: 256, estimate: false },
  { name: 'AES inverse S-box (TABLES.invSbox)', file: 'src/crypto/aes.ts', type: 'Uint8Array', bytes: 256, estimate: false },
  { name: 'AES inverse T-table TD0', file: 'src/crypto/aes.ts', type: 'Int32Array', bytes: 1024, estimate: false },
  { name: 'AES inverse T-table TD1', file: 'src/crypto/aes.ts', type: 'Int32Array', bytes: 1024, estimate: false },
  { name: 'AES inverse T-table TD2', file: 'src/crypto/aes.ts', type: 'Int32Array', bytes: 1024, estimate: false },
  { name: 'AES inverse T-table TD3', file: 'src/crypto/aes.ts', type: 'Int32Array', bytes: 1024, estimate: false },
  { name: 'SHA-256 round constants K (one buffer, read as four 16-word views)', file: 'src/crypto/sha256.ts', type: 'Int32Array', bytes: 256, estimate: false },
  // Four 128-entry tables: a character's 6 bits already shifted for its place in the quantum.
  { name: 'Base64 decode table DECODE_26', file: 'src/encoding/base64.ts', type: 'Int32Array', bytes: 512, estimate: false },
  { name: 'Base64 decode table DECODE_20', file: 'src/encoding/base64.ts', type: 'Int32Array', bytes: 512, estimate: false },
  { name: 'Base64 decode table DECODE_14', file: 'src/encoding/base64.ts', type: 'Int32Array', bytes: 512, estimate: false },
  { name: 'Base64 decode table DECODE_8', file: 'src/encoding/base64.ts', type: 'Int32Array', bytes: 512, estimate: false },
  { name: 'PKCS#8 RSA prefix VERSION_AND_ALGORITHM', file: 'src/pki/pkcs8.ts', type: 'Uint8Array', bytes: 18, estimate: false },
  { name: 'hex decode table NIBBLE', file: 'src/encoding/hex.ts', type: 'Int8Array', bytes: 128, estimate: false },
  { name: 'hex DIGITS', file: 'src/encoding/hex.ts', type: 'string', bytes: ESP32_SLOT + stringChunk(16), estimate: true },
  { name: 'Base64 ALPHABET', file: 'src/encoding/base64.ts', type: 'string', bytes: ESP32_SLOT + stringChunk(64), estimate: true },
  { name: 'connid ALPHABET', file: 'src/protocol/mqtt-login.ts', type: 'string', bytes: ESP32_SLOT + stringChunk(62), estimate: true },
];

const BUFFER_TYPES = new Set(['ArrayBuffer', 'DataView', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array']);

export const isBufferTable = (table: CoreTable): boolean => BUFFER_TYPES.has(table.type);

export interface Reconciled {
  /** Each inventory entry; for buffers, whether a retained buffer of that type and size was found for it. */
  tables: (CoreTable & { foundAtRuntime: boolean | null })[];
  /** Retained buffers no inventory entry accounts for (the inventory is out of date). */
  unlisted: { type: string; bytes: number }[];
  /** True when every buffer entry was found and nothing retained is unlisted. */
  matches: boolean;
}

/** Pairs the inventory's buffer entries with the retained buffers (same type and size, each used once). */
export function reconcile(inventory: readonly CoreTable[], retained: readonly { type: string; bytes: number }[]): Reconciled {
  const left = [...retained];
  const tables = inventory.map((table) => {
    if (!isBufferTable(table)) return { ...table, foundAtRuntime: null };
    const at = left.findIndex((b) => b.type === table.type && b.bytes === table.bytes);
    if (at >= 0) left.splice(at, 1);
    return { ...table, foundAtRuntime: at >= 0 };
  });
  return { tables, unlisted: left, matches: left.length === 0 && tables.every((t) => t.foundAtRuntime !== false) };
}
