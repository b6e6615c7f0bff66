/** splitRange (kernels/threads/split.ts): how work is cut for the kernel pool's threads. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { splitRange } from '../../../src/trainer/backends/kernels/threads/split.js';

describe('splitRange', () => {
  it('covers [0, count) with contiguous ranges starting at multiples of the unit, as even as the unit allows', () => {
    for (const [count, parts, unit] of [[9, 2, 4], [25, 8, 4], [288, 8, 4], [3, 8, 1], [1000, 7, 16], [100, 8, 128]]) {
      const ranges = splitRange(count, parts, unit);
      assert.ok(ranges.length >= 1 && ranges.length <= parts, `${ranges.length} ranges`);
      assert.equal(ranges[0][0], 0);
      assert.equal(ranges[ranges.length - 1][1], count);
      ranges.forEach(([start, end], i) => {
        assert.ok(end > start, `range ${i} of ${count}/${parts}/${unit} is empty`);
        assert.equal(start % unit, 0);
        if (i > 0) assert.equal(start, ranges[i - 1][1]);
      });
      const sizes = ranges.slice(0, -1).map(([s, e]) => e - s);
      if (sizes.length > 1) assert.ok(Math.max(...sizes) - Math.min(...sizes) <= unit, `uneven: ${sizes.join(', ')}`);
    }
  });

  it('gives one range where there is one unit or fewer', () => {
    assert.deepEqual(splitRange(3, 4, 4), [[0, 3]]);
    assert.deepEqual(splitRange(100, 8, 128), [[0, 100]]);
  });
});
