// Fake "tc-iot-random" (hal/moddable/native/random.c): fills a byte buffer in place and returns nothing. Which
// arguments it takes follows xsmcGetBufferWritable, the function the native module reads its argument with
// (xs/sources/xsmc.c): an ArrayBuffer, a DataView or a typed array of 1-byte elements (only the view's own
// bytes); anything else is a TypeError "invalid buffer" (test/moddable/conformance.sim.ts compares the two).
// xsnap has no CSPRNG to ask, so the bytes come from Math.random: a fake is not a source of secrets; the real
// module's source is tested on Moddable's simulator (test/moddable/random.sim.ts).
export default function fillRandom(buffer) {
  let bytes;
  if (buffer instanceof ArrayBuffer) bytes = new Uint8Array(buffer);
  else if (buffer instanceof DataView || (ArrayBuffer.isView(buffer) && buffer.BYTES_PER_ELEMENT === 1)) bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  else throw new TypeError('invalid buffer');
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
}
