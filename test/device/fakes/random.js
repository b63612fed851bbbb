// Fake "tc-iot-random" (hal/moddable/native/random.c): fills an ArrayBuffer or a Uint8Array in place, and
// throws a TypeError for anything else, as xsmcGetBufferWritable does. xsnap has no CSPRNG to ask, so the
// bytes come from Math.random: a fake is not a source of secrets. Moddable's simulator tests the real module
// (test/moddable/random.sim.ts).
export default function fillRandom(buffer) {
  let bytes;
  if (buffer instanceof ArrayBuffer) bytes = new Uint8Array(buffer);
  else if (buffer instanceof Uint8Array) bytes = buffer;
  else throw new TypeError('fillRandom: an ArrayBuffer or a Uint8Array');
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
}
