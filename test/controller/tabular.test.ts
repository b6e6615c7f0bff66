import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readTable, TabularEvaluator, tableScore } from '../../src/tabular/index.js';

function writeCsv(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-tabular-'));
  const file = path.join(dir, 'table.csv');
  fs.writeFileSync(file, text);
  return file;
}

const CSV = 'index,arch,valid,test\n0,|a~0|,50.5,60.25\n1,|b~0|,70,80\n';

test('the evaluator returns the reward column; the score stays with the table', () => {
  const table = readTable(writeCsv(CSV), { rewardColumn: 'valid', scoreColumn: 'test' });
  const evaluator = new TabularEvaluator(table);
  assert.equal(evaluator.reward('|b~0|'), 70);
  assert.equal(evaluator.reward('|a~0|'), 50.5);
  assert.equal(evaluator.evaluations, 2);
  assert.equal(tableScore(table, '|a~0|'), 60.25);
  assert.throws(() => evaluator.reward('|c~0|'), { name: 'DataError', message: /not in benchmark table/ });
});

test('bad tables are DataErrors that say what is wrong', () => {
  assert.throws(() => readTable('/nonexistent/table.csv'), { name: 'DataError', message: /cannot read/ });
  assert.throws(() => readTable(writeCsv(CSV)), { name: 'DataError', message: /no column 'cifar10_valid_acc_12ep'/ });
  assert.throws(() => readTable(writeCsv('index,arch,valid,test\n0,|a~0|,oops,1\n'), { rewardColumn: 'valid', scoreColumn: 'test' }), {
    name: 'DataError',
    message: /line 2: 'valid' is not a number/,
  });
});
