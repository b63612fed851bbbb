/**
 * Moddable's `rng` (modules/crypt/etc/rng.js, in every image that has TLS: crypt/tls_common.json): an RC4
 * generator the TLS stack draws its ClientHello random, RSA premaster secret and DH/ECDH private values from.
 * Unless `init` is given a seed it keys itself from 16 `c_rand()` values: `esp_random()` on the ESP32, but
 * libc `rand()`, never seeded, on the desktop simulators (SDK 8.2.3).
 */
declare module 'rng' {
  const RNG: {
    /** `n` bytes in a new ArrayBuffer. */
    get(n: number): ArrayBuffer;
    /** Re-keys the generator with `seed`'s bytes (an ArrayBuffer); without one, from c_rand(). */
    init(seed?: ArrayBuffer): void;
  };
  export default RNG;
}
