/** Fisher-Yates shuffle in place with a seeded random source. */
export function shuffleInPlace(items: number[] | Int32Array, random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }
}
