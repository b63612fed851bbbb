/**
 * The hardware abstraction layer: everything the portable core needs from a platform, and nothing more.
 *
 * The core (src/) does no I/O and reads no clock. It builds bytes, parses bytes and decides; a `Hal` moves
 * TLS bytes, keeps the credential, tells the time, gives randomness, sleeps and logs. Two implementations
 * exist — `hal/node/` (Node 20, host simulator) and `hal/moddable/` (ESP32 on Moddable XS) — and both pass
 * one contract suite (test/hal-contract/).
 *
 * Modelled on FreeRTOS coreMQTT's transport_interface.h: each member states, with MUST / MUST NOT, what it
 * resolves, which `IotError` code (src/errors.ts) it rejects with and when, who owns the buffers it is given
 * and gives back, what concurrent calls get, and how long it may take. Every failure is an `IotError` with a
 * code named below; nothing else may be thrown or rejected, and no member throws synchronously where it
 * returns a promise. The contract suite (test/hal-contract/contract.ts) checks every rule that a test can
 * observe; the few it cannot are marked "(not checked by the suite)".
 *
 * This file holds types only: it is imported with `import type` and compiles to nothing.
 */
import type { IotError } from '../src/errors.js';

/** Log levels, from most to least severe: the level of one line (`Hal.log`). */
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/**
 * The most verbose level a HAL writes, set when the HAL is made: 'off' writes nothing, 'error' only errors,
 * … 'debug' everything. The default of both HALs is 'off' (silent).
 */
export type LogThreshold = LogLevel | 'off';

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
   * Milliseconds (> 0) allowed for the TCP connect plus TLS handshake, then for each `read` to deliver at
   * least one byte, and for each `write` to hand over all its bytes. Exceeding it rejects with 'timeout'
   * and closes the stream.
   */
  timeoutMs: number;
}

/**
 * A connected, verified TLS byte stream (the transport interface). One reader and one writer: a read and a
 * write may be pending at the same time; two reads may not (see `read`).
 *
 * States: open → closed. The stream closes when the caller calls `close`, when the peer ends the stream,
 * when the connection breaks, and when a `read` or `write` times out. Closing is final.
 */
export interface ByteStream {
  /**
   * Sends all of `data` (any length, any byteOffset), after the bytes of earlier writes.
   * - Resolves once the platform took every byte (its TLS layer or socket buffer has them), not when the peer
   *   read them. MUST NOT resolve after sending only part of `data`. `data` of length 0 resolves (on an open
   *   stream) and sends nothing.
   * - Ownership: the caller MAY modify or reuse `data` as soon as `write` returns (before the promise
   *   settles); the implementation MUST have copied, or finished with, every byte it still needs by then,
   *   and MUST NOT modify `data`.
   * - Concurrency: a write MAY be called while earlier writes are pending; the bytes MUST go out in call
   *   order, never interleaved, and the writes MUST settle in call order.
   * - Blocking: MUST settle within `timeoutMs` of the call. When the platform cannot take all of `data` in
   *   that time (the peer reads nothing: its window and our buffers are full) it MUST reject with 'timeout'
   *   and the stream fails (see below) — EXCEPT that a platform whose socket fails a send it cannot complete
   *   at once MAY reject with 'transport' as soon as that happens (Moddable's desktop simulator: the Linux
   *   modSocket.c throws "write failed" when the kernel takes only part; the ESP32's reports no room and
   *   waits, so it times out).
   * - Rejects with 'transport' when the stream is closed — by `close` (also a `close` while this write is
   *   pending), after `read` resolved `undefined` (the peer ended the stream), or after the stream failed —
   *   and when the connection breaks (reset, abort) while the write is pending (that last one: not checked
   *   by the suite).
   */
  write(data: Uint8Array): Promise<void>;
  /**
   * Resolves with the next chunk of received bytes (length ≥ 1, sizes arbitrary), in order, none lost.
   * - Ownership: the chunk belongs to the caller. The implementation MUST NOT modify it afterwards (a later
   *   read never reuses or overwrites an earlier chunk's bytes); the caller MAY modify it.
   * - End of stream: resolves `undefined` once the peer closed the stream cleanly and every byte it sent was
   *   delivered; every later read resolves `undefined` too.
   * - Rejects with 'timeout' when no byte arrives within `timeoutMs` of the call, and closes the stream.
   * - Rejects with 'transport' when the connection breaks (reset, abort) and every byte received before
   *   was delivered. Exception, where the platform cannot see a reset: Moddable's Linux simulator
   *   (modules/network/socket/lin/modSocket.c, SDK 8.2.3) drops recv's ECONNRESET and reports the next recv's 0
   *   as an orderly disconnect, so there a reset reads as end of stream (`undefined`). On the ESP32 (lwIP's
   *   tcp_err → message -2) and in Node it is 'transport'. Either way the stream is over.
   * - When the stream fails — a read or a write times out ('timeout'), or the connection breaks
   *   ('transport') — it closes: writes pending then reject with that code, every later read MUST reject
   *   with that code (after the bytes received before the failure — not checked by the suite) and every
   *   later write with 'transport'.
   * - After `close`, read MUST resolve `undefined` (a read pending at `close` resolves `undefined` too).
   * - Concurrency: while a read is pending, another read MUST reject at once with 'bad-input' (a caller
   *   bug) and MUST NOT disturb the pending one, which settles as if the second had not been made.
   */
  read(): Promise<Uint8Array | undefined>;
  /**
   * Closes the stream and frees the socket. MUST NOT throw; idempotent. Does not wait for bytes still queued:
   * a pending read resolves `undefined`, pending writes reject with 'transport'. Every later write rejects
   * with 'transport', every later read resolves `undefined`.
   */
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
 *
 * Concurrency: `load` and `save` MAY be called while others are pending. A `load` that overlaps a `save`
 * MUST resolve either the value before that save or the saved value, never a mixture, never `undefined`
 * where something was stored, and MUST NOT reject because of the overlap. Overlapping saves MUST take effect
 * in call order: once all settled, `load` gives the value of the last one that resolved.
 */
export interface CredentialStorage {
  /**
   * Resolves with the stored credential, or `undefined` when none is stored (a fresh device). Rejects with
   * 'storage' when something is stored but unreadable or corrupt beyond recovery — never guesses (checked by
   * each platform's own storage tests, not the suite).
   * Ownership: each call resolves a new object owned by the caller; changing it changes nothing stored.
   */
  load(): Promise<StoredCredential | undefined>;
  /**
   * Stores `value` atomically: once it resolves, the value survives a power cut; if it rejects or power fails
   * part-way, `load` returns either the previous value or `value`, never a mixture and never nothing where
   * something was (power cuts: not checked by the suite — test/device/power-loss.test.ts checks the
   * Moddable storage).
   * - Rejects with 'storage' when the value is larger than the device limit (and stores nothing), when the
   *   store cannot hold this value (e.g. the host's device-info file belongs to another device or auth
   *   mode), or when writing fails (those two: checked by each platform's own storage tests, not the suite).
   * - Ownership: MUST take everything it needs from `value` before it returns; the caller MAY change `value`
   *   once `save` returned (before the promise settles). MUST NOT modify `value`.
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
  /**
   * Opens a TLS connection and verifies the server: its chain MUST end at the trust anchor (or the
   * configured CA) and its certificate MUST carry `serverName`. Resolves with an open stream, owned by the
   * caller (who MUST close it). Never resolves a stream that is not verified.
   * - Rejects with 'clock', without touching the network, when `now()` is before the clock floor
   *   (CLOCK_FLOOR_SECONDS, src/conventions/clock.ts): certificate dates cannot be checked.
   * - Rejects with 'tls' when verification or the handshake fails (untrusted chain, wrong name, expired,
   *   the peer speaks no TLS or no common version or suite).
   * - Rejects with 'transport' when no TCP connection can be made (refused, unreachable, DNS) or the peer
   *   hangs up during the handshake (that one: not checked by the suite) — EXCEPT that a platform whose TLS
   *   stack reports a refused connection and a failed handshake alike MAY reject those with 'tls'
   *   (Moddable's SecureSocket gives only "error -2" for both). Either way it MUST NOT wait for `timeoutMs`
   *   when the connection is refused.
   * - Rejects with 'timeout' when the connection and handshake are not done within `timeoutMs`.
   * - Rejects with 'bad-input' when the options are inconsistent (a client certificate without its key, or
   *   the reverse). A platform that parses them at once MAY also reject DER it cannot parse with 'bad-input'
   *   (the Node HAL does); otherwise that fails the handshake ('tls').
   * - Ownership: reads `options` and its buffers; the caller MUST NOT change them until connect settles (not
   *   checked by the suite).
   */
  connect(options: ConnectOptions): Promise<ByteStream>;
  /**
   * Current time, whole Unix seconds (UTC): an integer. MUST NOT block or throw. Returns whatever the platform
   * clock says, also when it is not set (a value before CLOCK_FLOOR_SECONDS means "not set": the core and
   * `connect` reject with 'clock' then).
   */
  now(): number;
  /**
   * Exactly `length` (an integer ≥ 0) bytes from a cryptographically secure random source, in a new array
   * owned by the caller; `random(0)` is empty. MUST NOT block. MUST NOT fall back to a weaker source: when the
   * platform's source fails it throws IotError 'unsupported' (the only throw allowed). The sources: ESP32 — the
   * hardware RNG (esp_fill_random; hal/moddable/native/random.c); Moddable's desktop simulators — getrandom(2)
   * on Linux, arc4random_buf on macOS, BCryptGenRandom on Windows (the same native module; XS's Math.random
   * there is unseeded libc rand(), the same sequence on every boot); the host — node:crypto's randomBytes.
   * (The suite checks the lengths, new arrays and that bytes vary; no test can show that a source is
   * cryptographic: test/moddable/random.sim.ts shows the simulator's bytes differ between boots.)
   */
  random(length: number): Uint8Array;
  /**
   * Resolves after at least `ms` milliseconds (to the platform timer's 1 ms resolution; a fraction is
   * allowed). `ms` that is not a finite number ≥ 0 counts as 0. MUST NOT reject or throw.
   */
  sleep(ms: number): Promise<void>;
  /**
   * Records one line, when `level` is at or above the HAL's LogThreshold (nothing when it is 'off').
   * MUST NOT throw (also when the platform's log sink throws) and MUST NOT block for long, for any `message`.
   * Callers never pass secrets; implementations MUST NOT add any (no dumping of options objects; checked by
   * the CLI's no-secrets tests, not by the contract suite).
   */
  log(level: LogLevel, message: string): void;
}

/** Re-exported for implementers: the error type every member rejects with. */
export type { IotError };
