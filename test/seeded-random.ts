/**
 * mulberry32, a tiny seeded PRNG, so every fuzz run draws the same sequence (a failure replays), with the
 * two draws the fuzz tests make from it.
 */
export interface SeededRandom {
  /** a float in [0, 1) */
  rand(): number;
  /** an integer in [0, n) */
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
}

export function seededRandom(seed: number): SeededRandom {
  let a = seed | 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ (t + t);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(rand() * n);
  return { rand, int, pick: (items) => items[int(items.length)] };
}
