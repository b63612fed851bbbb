/**
 * The firmware's platform module on Moddable's desktop simulators ("tc-iot-platform" in manifest.json's lin,
 * mac and win sections): flash values as files, and reading a host file (a local cloud's CA).
 *
 * Why not `Preference` here: on the simulators it is modules/files/preference/lin/preference.js, which keeps
 * every value in one in-memory object, writes it as one JSON file and ignores every file error. When a
 * preloaded module imports it (this firmware preloads "main"), that object is created at build time in the
 * read-only preloaded heap, so each `set` throws inside its `#save` ("read only value"), which it swallows:
 * the file stays empty, `get` answers from memory, and the next start has nothing (Moddable SDK 8.2.3).
 *
 * Here each value is one file in `config.flashDir` (default `<config.file.root>tc-iot-device/`), written under
 * a temporary name and renamed over the old one, and `get` reads the file itself, so a read-back proves what
 * the disk holds. Names and sizes keep NVS's limits (15-character domain and key, 4000-byte values, ArrayBuffer
 * values only — all this SDK stores) so that nothing passes here that the ESP32 would refuse.
 */
import { Directory, File } from 'file';
import config from 'mc/config';
import type { PreferenceApi } from '../preference-storage.js';

const MAX_NAME = 15;
const MAX_VALUE = 4000;
// A RegExp is made where it is used, never kept in a module constant: a preloaded module's RegExp lives in XS's
// read-only heap, and there exec crashed Moddable's runtime after a garbage collection (SDK 8.2.3, test/moddable).
const namePattern = (): RegExp => /^[A-Za-z0-9_.-]+$/;

function flashDirectory(): string {
  const configured = config.flashDir;
  if (typeof configured === 'string' && configured.trim() !== '') {
    const dir = configured.trim();
    return dir.endsWith('/') ? dir : `${dir}/`;
  }
  const root = (config.file as { root?: unknown } | undefined)?.root;
  return `${typeof root === 'string' ? root : './'}tc-iot-device/`;
}

function fileName(domain: string, key: string): string {
  for (const [what, value] of [['domain', domain], ['key', key]] as const) {
    if (typeof value !== 'string' || value.length < 1 || value.length > MAX_NAME || !namePattern().test(value)) {
      throw new RangeError(`flash ${what} must be 1..${MAX_NAME} characters of A-Z a-z 0-9 _ . -`);
    }
  }
  return `${domain}-${key}`;
}

function readWhole(path: string): ArrayBuffer {
  const file = new File(path);
  try {
    // File.read throws "read past end of file" on an empty file.
    return file.length === 0 ? new ArrayBuffer(0) : file.read(ArrayBuffer);
  } finally {
    file.close();
  }
}

export const flash: PreferenceApi = Object.freeze({
  get(domain: string, key: string): ArrayBuffer | undefined {
    const path = flashDirectory() + fileName(domain, key);
    return File.exists(path) ? readWhole(path) : undefined;
  },
  set(domain: string, key: string, value: string | boolean | number | ArrayBuffer): void {
    if (!(value instanceof ArrayBuffer)) throw new TypeError('flash values are ArrayBuffers on this platform');
    if (value.byteLength > MAX_VALUE) throw new RangeError(`flash values are at most ${MAX_VALUE} bytes`);
    const dir = flashDirectory();
    const name = fileName(domain, key);
    Directory.create(dir);
    const temporary = `${dir}${name}.new`;
    // new File(path, true) opens an existing file without truncating it: start from no file.
    File.delete(temporary);
    const file = new File(temporary, true);
    try {
      file.write(value);
    } finally {
      file.close();
    }
    if (!File.rename(temporary, name)) throw new Error(`flash: cannot rename ${temporary}`);
  },
  delete(domain: string, key: string): void {
    File.delete(flashDirectory() + fileName(domain, key));
  },
});

/** The whole content of a file on the host (e.g. `caFile=/abs/path/ca.pem`). */
export function readHostFile(path: string): ArrayBuffer {
  if (!File.exists(path)) throw new Error('no such file');
  return readWhole(path);
}

export const flashDescription = 'files (desktop simulator)';
