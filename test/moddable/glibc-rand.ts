/**
 * glibc's rand() after no srand() (the same as srand(1)): the TYPE_3 additive feedback generator of
 * glibc/stdlib/random_r.c, computed here independently, to recognise XS's Math.random on the Linux simulator
 * (xs/platforms/xsPlatform.h: c_rand is rand, and XS never seeds it).
 */
export function glibcRandUnseeded(count: number): number[] {
  const r: number[] = [1];
  for (let i = 1; i < 31; i++) {
    // 16807 * r mod (2^31 - 1), by Schrage's method, as random_r.c writes it.
    const hi = Math.floor(r[i - 1]! / 127773);
    const lo = r[i - 1]! % 127773;
    let word = 16807 * lo - 2836 * hi;
    if (word < 0) word += 2147483647;
    r.push(word);
  }
  for (let i = 31; i < 34; i++) r.push(r[i - 31]!);
  const out: number[] = [];
  for (let i = 34; out.length < count; i++) {
    r.push((r[i - 31]! + r[i - 3]!) >>> 0);
    if (i >= 344) out.push(r[i]! >>> 1);
  }
  return out;
}

/** The bytes `Math.floor(Math.random() * 256)` gives when XS's Math.random is `rand() / RAND_MAX` (xsMath.c). */
export function mathRandomBytesFromRand(draws: number[]): string {
  const RAND_MAX = 2147483647;
  return draws.filter((draw) => draw !== RAND_MAX).map((draw) => Math.floor((draw / RAND_MAX) * 256).toString(16).padStart(2, '0')).join('');
}
