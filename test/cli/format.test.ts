import { test } from 'node:test';
import assert from 'node:assert/strict';
import { duration } from '../../src/cli/progress/format.js';

test('duration shows seconds under a minute and minutes with padded seconds above', () => {
  assert.equal(duration(7.25), '7.3s');
  assert.equal(duration(65), '1m05s');
  assert.equal(duration(3 * 3600 + 25 * 60), '3h25m');
  assert.equal(duration(null), '-');
});

test('duration carries a rounded-up second into the minute instead of printing 60', () => {
  assert.equal(duration(179.6), '3m00s');
  assert.equal(duration(59.97), '1m00s');
  assert.equal(duration(3599.7), '1h00m');
});
