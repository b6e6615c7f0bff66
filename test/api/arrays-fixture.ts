/** Arrays in memory for the API tests: 12x12 grayscale images whose class is which half is bright, with noise. */
import seedrandom from 'seedrandom';

export interface Arrays {
  x: Uint8Array;
  y: number[];
  shape: [number, number, number];
  classNames: string[];
}

export function halvesArrays(count: number, seed = 'halves'): Arrays {
  const random = seedrandom(seed);
  const side = 12;
  const x = new Uint8Array(count * side * side);
  const y: number[] = [];
  for (let image = 0; image < count; image += 1) {
    const label = image % 2;
    y.push(label);
    for (let row = 0; row < side; row += 1) {
      for (let column = 0; column < side; column += 1) {
        const bright = label === 0 ? column < side / 2 : row < side / 2;
        x[(image * side + row) * side + column] = Math.round((bright ? 170 : 40) + random() * 80);
      }
    }
  }
  return { x, y, shape: [side, side, 1], classNames: ['left', 'top'] };
}
