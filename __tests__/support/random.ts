// A small seeded random source, so a randomized test can be replayed exactly from its seed.

export interface Random {
  /** A number in [0, 1). */
  next(): number
  /** A whole number in [0, n). */
  int(n: number): number
  pick<T>(items: readonly T[]): T
  chance(p: number): boolean
}

/** mulberry32: tiny, fast and good enough to drive a fuzz; the same seed gives the same sequence. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (n: number): number => Math.floor(next() * n)
  return { next, int, pick: items => items[int(items.length)], chance: p => next() < p }
}
