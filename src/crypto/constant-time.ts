/**
 * Equality of two byte strings whose running time does not depend on where they differ, for comparing
 * signatures and MACs. Lengths are public (a MAC's length is fixed by its algorithm), so a length mismatch
 * returns early.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  const n = a.length;
  if (n !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < n; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
