/*
 * tc-iot-random (manifest.json, manifest_tc_iot_device.json): random bytes from the platform's cryptographic
 * source — the ESP32's hardware RNG, getrandom on Linux, arc4random_buf on macOS, BCryptGenRandom on Windows
 * (random.c). Plain JS on purpose: the `@` host-function syntax is XS's, which TypeScript cannot compile.
 *
 *   import fillRandom from "tc-iot-random";
 *   fillRandom(bytes);   // fills every byte of an ArrayBuffer or Uint8Array in place; throws if the source fails
 */
function fillRandom(buffer) @ "xs_tciot_random_fill";

export default fillRandom;
