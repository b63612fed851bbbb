/**
 * The hardware abstraction layer: everything the portable core needs from a platform, and nothing more.
 *
 * The core (src/) does no I/O and reads no clock. It builds bytes, parses bytes and decides; a `Hal` moves
 * TLS bytes, keeps the credential, tells the time, gives randomness, sleeps and logs. Two implementations
 * exist — `hal/node/` (Node 20, host simulator) and `hal/moddable/` (ESP32 on Moddable XS) — and both pass
 * one contract suite (test/hal-contract/).
 *
 * Modelled on FreeRTOS coreMQTT's transport_interface.h: each member states its units, whether it blocks,
 * and exactly how it reports failure. Every failure is an `IotError` (src/errors.ts) with the code named
 * below; nothing else may be thrown or rejected.
 *
 * This file holds types only: it is imported with `import type` and compiles to nothing.
 */
import type { IotError } from '../src/errors.js';

/** Log levels, from most to least severe. The default level of both HALs is silent ('off'). */
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/**
 * Which trust anchor a connection needs. The core says *what* it connects to; the HAL maps that to a CA
 * (the pinned Tencent roots by default, or the CA the user configured, e.g. the local cloud's).
 * - 'tencent-iothub': the self-signed "Tencent Iothub" root (v1 gateway and the MQTT broker).
 * - 'public-web': DigiCert Global Root CA (the v2 gateway, ap-guangzhou.gateway.tencentdevices.com).
 */
export type TrustAnchor = 'tencent-iothub' | 'public-web';

export interface ConnectOptions {
  /** DNS name or IP literal to connect to. */
  host: string;
  /** TCP port, 1..65535. */
  port: number;
  /**
   * TLS server name: sent as SNI and checked against the server certificate's SAN. Always set; equals
   * `host` unless the caller overrides it. Verification is never switched off.
   */
  serverName: string;
  /** Which CA verifies the server, unless the HAL was configured with an explicit CA. */
  trust: TrustAnchor;
  /** Client certificate, DER (certificate products only; for mutual TLS). */
  clientCertificate?: Uint8Array;
  /** Client private key, PKCS#8 DER, RSA (certificate products only). */
  clientKey?: Uint8Array;
  /**
   * Milliseconds allowed for the TCP connect plus TLS handshake, and then for each `read` to deliver
   * at least one byte. Exceeding it rejects with code 'timeout' and closes the stream.
   */
  timeoutMs: number;
}

/**
 * A connected, verified TLS byte stream (the transport interface). Exactly one reader and one writer.
 */
export interface ByteStream {
  /**
   * Queues `data` for sending; resolves when the platform accepted all of it (not when the peer read it).
   * Rejects with 'transport' if the connection is closed or broken. Never resolves partially.
   */
  write(data: Uint8Array): Promise<void>;
  /**
   * Resolves with the next chunk of received bytes (length ≥ 1), or `undefined` when the peer closed the
   * stream cleanly (end of stream; every later call resolves `undefined` too). Rejects with 'timeout' when
   * nothing arrives within `timeoutMs`, with 'transport' on a reset or abort. Chunk sizes are arbitrary.
   */
  read(): Promise<Uint8Array | undefined>;
  /** Closes the stream and frees the socket. Idempotent; never throws. Pending reads resolve `undefined`. */
  close(): void;
}

/** What a device proves itself with after registration. */
export type Credential =
  /** Key products: the device secret (Tencent's `psk`), Base64 of 16 random bytes, as the server sent it. */
  | { kind: 'key'; deviceSecret: string }
  /** Certificate products: PEM texts exactly as the server sent them (the key is RSA PKCS#1). */
  | { kind: 'cert'; certificatePem: string; privateKeyPem: string };

/** The credential together with the identity it belongs to (a credential is only valid for that device). */
export interface StoredCredential {
  productId: string;
  deviceName: string;
  credential: Credential;
}

/**
 * Where the credential lives (flash on the device, the C SDK's device-info file on the host).
 * Both implementations enforce the device's limits (see MAX_STORED_CREDENTIAL_BYTES in the core), so the
 * host is never more permissive than the ESP32.
 */
export interface CredentialStorage {
  /**
   * Resolves with the stored credential, or `undefined` when none is stored (a fresh device). Rejects with
   * 'storage' when something is stored but unreadable or corrupt beyond recovery — never guesses.
   */
  load(): Promise<StoredCredential | undefined>;
  /**
   * Stores `value` atomically: once it resolves, the value survives a power cut; if it rejects (code
   * 'storage') or power fails part-way, `load` returns either the previous value or `value`, never a
   * mixture and never nothing where something was.
   */
  save(value: StoredCredential): Promise<void>;
}

/**
 * The cryptographic primitives the core's signing and decryption run on. The core keeps every protocol step
 * (sign source, string to sign, hex/Base64, padding and length checks); a platform supplies only these
 * functions — native ones where it has them (Moddable's `crypt`/`hmac`, `node:crypto`), else the core's own
 * JavaScript (`jsCrypto`, src/crypto/js-primitives.ts), which is the reference every implementation is tested
 * against (test/hal-contract/).
 *
 * Rules for every member:
 * - MUST be synchronous and MUST NOT block for longer than the computation.
 * - MUST read its arguments only during the call and MUST NOT modify them; arguments may be views into a
 *   larger buffer (any byteOffset). The caller keeps ownership of its buffers.
 * - MUST return a new Uint8Array of exactly the stated length, owned by the caller (never a view of an
 *   internal buffer that a later call reuses).
 * - MAY throw anything on arguments outside the stated domain (the core never passes such arguments); the core
 *   turns any throw, and any result of the wrong type or length, into an `IotError` ('bad-input' while signing,
 *   'bad-response' while decrypting) whose message names the primitive and never a key.
 */
export interface CryptoPrimitives {
  /** SHA-1 (FIPS 180-4) of `data` (any length): 20 bytes. */
  sha1(data: Uint8Array): Uint8Array;
  /** SHA-256 (FIPS 180-4) of `data` (any length): 32 bytes. */
  sha256(data: Uint8Array): Uint8Array;
  /** HMAC-SHA1 (RFC 2104) with `key` (any length) over `message` (any length): 20 bytes. */
  hmacSha1(key: Uint8Array, message: Uint8Array): Uint8Array;
  /** HMAC-SHA256 (RFC 2104) with `key` (any length) over `message` (any length): 32 bytes. */
  hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array;
  /**
   * AES-128-CBC decryption (SP 800-38A) with a 16-byte `key` and 16-byte `iv` of `data`, a non-empty multiple of
   * 16 bytes: exactly `data.length` bytes. No padding is removed (Tencent pads with zeros, not PKCS#7).
   */
  aes128CbcDecrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array;
}

export interface Hal {
  storage: CredentialStorage;
  /** Hashing, HMAC and AES-CBC for the core's signing and decryption (see CryptoPrimitives). */
  crypto: CryptoPrimitives;
  /** Opens a verified TLS stream. Rejects with 'transport', 'tls' (verification/handshake) or 'timeout'. */
  connect(options: ConnectOptions): Promise<ByteStream>;
  /**
   * Current time, whole Unix seconds (UTC). Non-blocking. Returns whatever the platform clock says; the
   * core treats a value before 2020-01-01 as "clock not set" (code 'clock').
   */
  now(): number;
  /**
   * `length` cryptographically random bytes, from the platform's CSPRNG and never from Math.random:
   * ESP32 — the hardware RNG (esp_fill_random; hal/moddable/native/random.c); Moddable's desktop simulators —
   * getrandom(2) on Linux, arc4random_buf on macOS, BCryptGenRandom on Windows (the same native module; XS's
   * Math.random there is unseeded libc rand(), the same sequence on every boot); the host — node:crypto's
   * randomBytes. If its source fails, the Moddable HAL throws IotError 'unsupported', never weaker bytes.
   */
  random(length: number): Uint8Array;
  /** Resolves after `ms` milliseconds (≥ 0). Never rejects. */
  sleep(ms: number): Promise<void>;
  /**
   * Records one line. Never throws, never blocks for long. Callers never pass secrets; implementations
   * still must not add any (no dumping of options objects).
   */
  log(level: LogLevel, message: string): void;
}

/** Re-exported for implementers: the error type every member rejects with. */
export type { IotError };
