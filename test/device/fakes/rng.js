// Fake "rng" (Moddable's modules/crypt/etc/rng.js): `init(seed)` re-keys, `get(n)` returns an ArrayBuffer of n
// bytes. The real one reads its seed with xsmcToArrayBuffer, so a seed that is not an ArrayBuffer throws there
// and throws here. Nothing on xsnap draws from it (the fake SecureSocket does no TLS of its own); what re-keying
// does to the real TLS is tested on Moddable's simulator (test/moddable/random.sim.ts).
const RNG = {
  get(n) {
    const bytes = new Uint8Array(n);
    for (let i = 0; i < n; i++) bytes[i] = Math.floor(Math.random() * 256);
    return bytes.buffer;
  },
  init(seed) {
    if (seed !== undefined && !(seed instanceof ArrayBuffer)) throw new TypeError('argument is not an ArrayBuffer');
  },
};

export default RNG;
