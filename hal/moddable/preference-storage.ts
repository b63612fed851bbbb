/**
 * Credential storage in ESP32 NVS through Moddable's `Preference`, safe against a power cut at any instant.
 *
 * Why two slots: `Preference.set` erases the old value before writing the new one, and there are no
 * multi-key transactions, so rewriting a credential in place can lose it. Instead there are two record slots,
 * "a" and "b". Each slot is a header value `<slot>.h` plus data values `<slot>.0`, `<slot>.1`, … holding the
 * encoded credential (credential-codec.ts) in chunks of CHUNK_BYTES. The header carries a generation number,
 * the record length and its CRC-32.
 *
 * Saving writes only the slot that is NOT the current one: first it deletes that slot's header (so a
 * half-written slot is never mistaken for a whole one), then writes the data values, then — the commit step —
 * writes the header with generation + 1. Loading reads both slots, drops any whose header is missing or whose
 * data fails the length or CRC check, and returns the valid slot with the highest generation. A cut before
 * the commit leaves the previous slot untouched and current; a cut after it leaves the new one current.
 * Stale chunks of a longer previous record are deleted only after the commit.
 *
 * Every save reads the slot it wrote back and compares it with what it meant to write before it returns:
 * a flash layer that loses a write without saying so (as Moddable's simulator Preference does, see
 * platform/files.ts) is caught here as a `storage` error, never reported as saved.
 *
 * The values go through the platform module "tc-iot-platform": Preference (NVS) on the ESP32, files on the
 * desktop simulators.
 */
import { flash } from 'tc-iot-platform';
import type { CredentialStorage, StoredCredential } from '../hal.js';
import { IotError } from '../../src/errors.js';
import { MAX_STORED_CREDENTIAL_BYTES } from '../../src/device/record.js';
import { constantTimeEqual } from '../../src/crypto/constant-time.js';
import { crc32 } from './crc32.js';
import { decodeStoredCredential, encodeStoredCredential } from './credential-codec.js';

/** The subset of Moddable's Preference API used here (tests and users may pass another implementation). */
export interface PreferenceApi {
  get(domain: string, key: string): string | boolean | number | ArrayBuffer | undefined;
  set(domain: string, key: string, value: string | boolean | number | ArrayBuffer): void;
  delete(domain: string, key: string): void;
}

/**
 * Bytes per data value. NVS allows 4000; 2000 keeps each value inside one 4 KiB NVS page (less wear and
 * fragmentation), and a certificate credential (~2.3 KB as DER) then spans two values.
 */
export const CHUNK_BYTES = 2000;
/** A record is at most MAX_STORED_CREDENTIAL_BYTES, so a slot never has more data values than this. */
const MAX_CHUNKS = Math.ceil(MAX_STORED_CREDENTIAL_BYTES / CHUNK_BYTES);
const HEADER_BYTES = 16;
const MAGIC_0 = 0x54; // 'T'
const MAGIC_1 = 0x43; // 'C'
const HEADER_VERSION = 1;
const SLOTS = Object.freeze(['a', 'b'] as const);
type SlotName = (typeof SLOTS)[number];

/** The default NVS domain (≤ 15 characters, as NVS namespaces must be). */
export const DEFAULT_DOMAIN = 'tciot';

type SlotState =
  | { state: 'empty' }
  | { state: 'corrupt' }
  | { state: 'valid'; generation: number; record: Uint8Array };

export class PreferenceStorage implements CredentialStorage {
  readonly #prefs: PreferenceApi;
  readonly #domain: string;

  constructor(options: { preference?: PreferenceApi; domain?: string } = {}) {
    this.#prefs = options.preference ?? flash;
    this.#domain = options.domain ?? DEFAULT_DOMAIN;
    if (this.#domain.length < 1 || this.#domain.length > 15) throw new IotError('bad-input', 'preference domain must be 1..15 characters');
  }

  async load(): Promise<StoredCredential | undefined> {
    const current = this.#current();
    if (current === undefined) return undefined;
    return decodeStoredCredential(current.record);
  }

  async save(value: StoredCredential): Promise<void> {
    // The device limit applies to the credential as given (the same rule as the Node HAL), before any
    // conversion: a value that could not be stored on every platform is refused here too.
    if (textBytes(value) > MAX_STORED_CREDENTIAL_BYTES) throw new IotError('storage', `credential is larger than the ${MAX_STORED_CREDENTIAL_BYTES} bytes a device stores`);
    const record = encodeStoredCredential(value);
    if (record.length > MAX_STORED_CREDENTIAL_BYTES) throw new IotError('storage', `credential needs ${record.length} bytes; at most ${MAX_STORED_CREDENTIAL_BYTES} are stored`);
    const current = this.#current();
    const target: SlotName = current?.slot === 'a' ? 'b' : 'a';
    const generation = current === undefined ? 1 : (current.generation + 1) >>> 0;
    const chunkCount = Math.ceil(record.length / CHUNK_BYTES);
    try {
      this.#prefs.delete(this.#domain, `${target}.h`);
      for (let i = 0; i < chunkCount; i++) {
        this.#prefs.set(this.#domain, `${target}.${i}`, record.slice(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES).buffer);
      }
      this.#prefs.set(this.#domain, `${target}.h`, encodeHeader(generation, record));
    } catch (error) {
      throw new IotError('storage', 'writing the credential to flash failed', { cause: error });
    }
    this.#verifySlot(target, generation, record);
    this.#deleteStaleChunks(target, chunkCount);
  }

  /** Reads `slot` back from flash: it must hold exactly `generation` and `record`, else a `storage` error. */
  #verifySlot(slot: SlotName, generation: number, record: Uint8Array): void {
    const read = this.#readSlot(slot);
    if (read.state !== 'valid' || read.generation !== generation || !constantTimeEqual(read.record, record)) {
      throw new IotError('storage', `the credential read back from flash is not what was written (${read.state === 'valid' ? 'different content' : `slot ${read.state}`}); it is not saved`);
    }
  }

  /** The valid slot with the highest generation; `storage` error when slots exist but none is valid. */
  #current(): { slot: SlotName; generation: number; record: Uint8Array } | undefined {
    let best: { slot: SlotName; generation: number; record: Uint8Array } | undefined;
    let corrupt = false;
    for (const slot of SLOTS) {
      const read = this.#readSlot(slot);
      if (read.state === 'corrupt') corrupt = true;
      else if (read.state === 'valid' && (best === undefined || read.generation > best.generation)) best = { slot, generation: read.generation, record: read.record };
    }
    if (best === undefined && corrupt) throw new IotError('storage', 'the stored credential is corrupt (no slot passes its checksum)');
    return best;
  }

  #readSlot(slot: SlotName): SlotState {
    let header: unknown;
    try {
      header = this.#prefs.get(this.#domain, `${slot}.h`);
    } catch (error) {
      throw new IotError('storage', 'reading the credential from flash failed', { cause: error });
    }
    if (header === undefined) return { state: 'empty' };
    if (!(header instanceof ArrayBuffer) || header.byteLength !== HEADER_BYTES) return { state: 'corrupt' };
    const view = new DataView(header);
    if (view.getUint8(0) !== MAGIC_0 || view.getUint8(1) !== MAGIC_1 || view.getUint8(2) !== HEADER_VERSION) return { state: 'corrupt' };
    const generation = view.getUint32(4);
    const length = view.getUint32(8);
    const checksum = view.getUint32(12);
    if (length < 1 || length > MAX_STORED_CREDENTIAL_BYTES) return { state: 'corrupt' };
    const record = new Uint8Array(length);
    const chunkCount = Math.ceil(length / CHUNK_BYTES);
    for (let i = 0; i < chunkCount; i++) {
      const chunk = this.#prefs.get(this.#domain, `${slot}.${i}`);
      const expected = Math.min(CHUNK_BYTES, length - i * CHUNK_BYTES);
      if (!(chunk instanceof ArrayBuffer) || chunk.byteLength !== expected) return { state: 'corrupt' };
      record.set(new Uint8Array(chunk), i * CHUNK_BYTES);
    }
    if (crc32(record) !== checksum) return { state: 'corrupt' };
    return { state: 'valid', generation, record };
  }

  /**
   * Frees data values a longer, older record left behind in `slot`. Probes the possible indices rather than
   * calling `Preference.keys`: older Moddable ESP32 builds return an empty array (esp32/modPreference.c had its NVS
   * iterator disabled; the 2023 version lists keys with nvs_entry_find), so nothing may rely on it.
   * Best effort: stale values are never read (the header says how many belong to the record).
   */
  #deleteStaleChunks(slot: SlotName, chunkCount: number): void {
    try {
      for (let i = chunkCount; i < MAX_CHUNKS; i++) {
        if (this.#prefs.get(this.#domain, `${slot}.${i}`) !== undefined) this.#prefs.delete(this.#domain, `${slot}.${i}`);
      }
    } catch {
      // Leaving a stale chunk costs flash space, not correctness.
    }
  }
}
Object.freeze(PreferenceStorage.prototype);

/** Characters of the credential's text fields (PEM and Base64 are ASCII: characters = bytes). */
function textBytes(value: StoredCredential): number {
  const credential = value?.credential as Partial<Record<string, unknown>> | undefined;
  let total = 0;
  for (const field of ['deviceSecret', 'certificatePem', 'privateKeyPem']) {
    const text = credential?.[field];
    if (typeof text === 'string') total += text.length;
  }
  return total;
}

function encodeHeader(generation: number, record: Uint8Array): ArrayBuffer {
  const header = new ArrayBuffer(HEADER_BYTES);
  const view = new DataView(header);
  view.setUint8(0, MAGIC_0);
  view.setUint8(1, MAGIC_1);
  view.setUint8(2, HEADER_VERSION);
  view.setUint32(4, generation);
  view.setUint32(8, record.length);
  view.setUint32(12, crc32(record));
  return header;
}
