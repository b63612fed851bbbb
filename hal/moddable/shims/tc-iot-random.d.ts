/**
 * `tc-iot-random`: this SDK's native module (hal/moddable/native/random.c and random.js, in both manifests):
 * fills `buffer` in place from the platform's cryptographic random source — esp_fill_random on the ESP32,
 * getrandom(2) on Linux, arc4random_buf on macOS, BCryptGenRandom on Windows. Throws (never returns weaker
 * bytes) when the source fails. It also takes a DataView or any 1-byte typed array (xsmcGetBufferWritable);
 * anything else is a TypeError "invalid buffer".
 */
declare module 'tc-iot-random' {
  export default function fillRandom(buffer: ArrayBuffer | Uint8Array): void;
}
