/** Splitting a range of work over threads. */

/**
 * `parts` contiguous ranges covering [0, count), each starting at a multiple of `unit` and as even as that
 * allows (the remainder of count mod unit goes to the last). Fewer ranges where there are fewer units.
 */
export function splitRange(count: number, parts: number, unit: number): [number, number][] {
  const units = Math.ceil(count / unit);
  const n = Math.max(1, Math.min(parts, units));
  const ranges: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    const start = Math.floor((i * units) / n) * unit;
    const end = i === n - 1 ? count : Math.floor(((i + 1) * units) / n) * unit;
    ranges.push([start, end]);
  }
  return ranges;
}
