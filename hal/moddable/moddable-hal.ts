/**
 * The HAL (hal/hal.ts) over Moddable modules: Preference storage, native crypt/hmac primitives, SecureSocket
 * streams, the Date/SNTP clock, Timer sleeps, random bytes from the platform's CSPRNG and `trace` logging.
 */
import Timer from 'timer';
import fillRandom from 'tc-iot-random';
import RNG from 'rng';
import type { ConnectOptions, CredentialStorage, CryptoPrimitives, Hal, LogLevel, LogThreshold } from '../hal.js';
import { IotError } from '../../src/errors.js';
import { clockIsPlausible, sleepDelayMs } from '../../src/conventions/clock.js';
import { logAdmits } from '../../src/conventions/unions.js';
import { unixSeconds } from './clock.js';
import { nativeCrypto } from './native-crypto.js';
import { PreferenceStorage } from './preference-storage.js';
import { openSecureStream } from './secure-stream.js';
import { trustAnchorDer } from './trust-anchors.js';

export interface ModdableHalOptions {
  /** Where credentials live; default Preference slots in the `tciot` domain. */
  storage?: CredentialStorage;
  /** Hashing, HMAC and AES-CBC; default Moddable's native `crypt` and `hmac` (native-crypto.ts). */
  crypto?: CryptoPrimitives;
  /** A CA (DER) that replaces the pinned anchors for every connection, e.g. a local cloud's. */
  ca?: ArrayBuffer | undefined;
  /** Lines at this level and more severe go to `trace`; default 'off' (silent). */
  logLevel?: LogThreshold;
  /** Where log lines go; default the global `trace`. */
  write?: (line: string) => void;
  /** The clock, whole Unix seconds; default the platform clock (Date.now). Tests give an unset one. */
  now?: () => number;
}

/**
 * `length` random bytes from this SDK's native module (hal/moddable/native/random.c): esp_fill_random, the
 * hardware RNG, on the ESP32; getrandom / arc4random_buf / BCryptGenRandom on the desktop simulators.
 * Not Math.random: XS's Math.random is libc rand() on the simulators and never seeded, so every boot gave the
 * same sequence there (SDK 8.2.3, test/moddable/random.sim.ts), and Moddable's `rng` is RC4 keyed from it.
 * When the platform's source fails it throws IotError 'unsupported' rather than return weaker bytes.
 */
export function randomBytes(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  if (length === 0) return bytes;
  try {
    fillRandom(bytes);
  } catch (error) {
    throw new IotError('unsupported', `no cryptographic random bytes on this platform (${error instanceof Error ? error.message : String(error)})`);
  }
  return bytes;
}

/**
 * Re-keys Moddable's `rng`, which its TLS draws the ClientHello random, the RSA premaster secret and DH/ECDH
 * private values from, with 32 bytes from the platform's CSPRNG. On the simulators `rng` otherwise keys itself
 * from the unseeded rand(), so every boot's handshakes drew the same "random" values (test/moddable/random.sim.ts
 * shows the ClientHello randoms); on the ESP32 it is keyed from esp_random() already, and this changes nothing
 * but the seed's source.
 */
export function seedTlsRandom(): void {
  RNG.init(randomBytes(32).buffer as ArrayBuffer);
}

export function createModdableHal(options: ModdableHalOptions = {}): Hal {
  seedTlsRandom();
  const storage = options.storage ?? new PreferenceStorage();
  const threshold = options.logLevel ?? 'off';
  const write = options.write ?? ((line: string) => trace(line));
  const ca = options.ca;
  const now = options.now ?? unixSeconds;
  return {
    storage,
    crypto: options.crypto ?? nativeCrypto,
    async connect(connect: ConnectOptions) {
      // Before any socket: SecureSocket date-checks certificates against this clock (hal.ts `connect`).
      if (!clockIsPlausible(now())) throw new IotError('clock', 'the clock is not set (SNTP), so certificates cannot be date-checked');
      if ((connect.clientCertificate === undefined) !== (connect.clientKey === undefined)) {
        throw new IotError('bad-input', 'a client certificate needs both the certificate and its private key');
      }
      return openSecureStream({
        host: connect.host,
        port: connect.port,
        serverName: connect.serverName,
        ca: ca ?? trustAnchorDer(connect.trust),
        clientCertificate: connect.clientCertificate,
        clientKey: connect.clientKey,
        timeoutMs: connect.timeoutMs,
      });
    },
    now,
    random: randomBytes,
    sleep(ms: number) {
      const wait = sleepDelayMs(ms);
      return new Promise<void>((resolve) => {
        Timer.set(() => resolve(), wait);
      });
    },
    log(level: LogLevel, message: string) {
      if (!logAdmits(threshold, level)) return;
      try {
        write(`tc-iot ${level}: ${message}\n`);
      } catch {
        // Logging never throws.
      }
    },
  };
}
