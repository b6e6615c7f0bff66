import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ArchError, ConfigError, loadArch, openResults, replay, search, type SearchRunEvent } from '../../src/index.js';
import { shippedFile } from '../../src/util/paths.js';
import { halvesArrays } from './arrays-fixture.js';

const TINY_SPACE = shippedFile('test', 'fixtures', 'tiny-space.json');

function scratch(): { db: string; dataDir: string; modelsDir: string; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-api-'));
  return { dir, db: path.join(dir, 'results.db'), dataDir: path.join(dir, 'data'), modelsDir: path.join(dir, 'models') };
}

const SMALL = { space: TINY_SPACE, trials: 3, controllerBatch: 3, epochs: 1, batchSize: 32, valFraction: 0.25, backend: 'cpu', seed: 5 } as const;

test('search() on arrays in memory: events by iterator and by callback agree, the summary, the data as .npz; replay() and openResults()', async () => {
  const { db, dataDir, modelsDir } = scratch();
  const arrays = halvesArrays(240);
  const seen: SearchRunEvent[] = [];
  const run = search({ ...SMALL, dataset: arrays, db, dataDir, onEvent: (event) => seen.push(event) });
  const iterated: SearchRunEvent[] = [];
  for await (const event of run) iterated.push(event);
  const summary = await run;
  assert.deepEqual(iterated, seen);
  assert.deepEqual(seen.map((event) => event.type).filter((type, i, all) => all.indexOf(type) === i).slice(0, 3), ['preflight', 'start', 'trial-start']);
  assert.equal(seen.at(-1)!.type, 'end');
  assert.equal(summary.status, 'completed');
  assert.equal(summary.finished, 3);
  assert.match(summary.experiment, /^arrays-[0-9a-f]{16}\.npz-tiny-reinforce-seed5$/);

  const written = fs.readdirSync(path.join(dataDir, 'arrays'));
  assert.equal(written.length, 1);
  assert.match(written[0]!, /^arrays-[0-9a-f]{16}\.npz$/);

  const again = await search({ ...SMALL, dataset: halvesArrays(240), db, dataDir });
  assert.equal(again.experiment, summary.experiment, 'the same arrays and options resume the same experiment');
  assert.equal(again.finished, 3);
  assert.deepEqual(fs.readdirSync(path.join(dataDir, 'arrays')), written, 'the same arrays are written once');

  const results = openResults(db);
  try {
    const [best] = results.best({ top: 1 });
    assert.ok(best && best.status === 'completed');
    assert.equal(results.trials().length, 3);
    assert.equal(results.experiments().length, 1);
    const config = results.experiment().config as { datasetDescriptor?: { kind: string; classNames: string[]; shape: number[] } };
    assert.equal(config.datasetDescriptor?.kind, 'npz');
    assert.deepEqual(config.datasetDescriptor?.classNames, ['left', 'top']);
    assert.deepEqual(config.datasetDescriptor?.shape, [12, 12, 1]);

    const starts: number[] = [];
    const replayed = await replay({ trial: best.id, db, epochs: 1, backend: 'cpu', modelsDir, onStart: (plan) => starts.push(plan.trialId) });
    assert.deepEqual(starts, [best.id]);
    assert.ok(replayed.replay.evaluation.accuracy >= 0 && replayed.replay.evaluation.accuracy <= 1);
    assert.equal(replayed.resumedAfterEpoch, 0);
    assert.ok(fs.existsSync(path.join(replayed.result.modelPath!, 'model.json')));
    assert.deepEqual(results.replays(best.id).map((r) => r.id), [replayed.replay.id]);
  } finally {
    results.close();
  }
});

test('bad options reject with a typed error before the database is touched, by await and by iteration', async () => {
  const { db, dataDir, dir } = scratch();
  const arrays = halvesArrays(40);
  await assert.rejects(search({ ...SMALL, dataset: arrays, db, dataDir, trails: 3 } as never), (error: unknown) => error instanceof ConfigError && /unknown option 'trails'/.test(error.message));
  await assert.rejects(search({ ...SMALL, dataset: { ...arrays, y: arrays.y.slice(1) }, db, dataDir }), /x holds 5760 values, but 39 labels of 12x12x1 images need 5616/);
  await assert.rejects(search({ ...SMALL, dataset: { ...arrays, y: arrays.y.map((label) => label * 5) }, db, dataDir }), /dataset\.y\[1\] is 5: labels must be integers from 0 to 1/);
  await assert.rejects(async () => {
    for await (const _event of search({ ...SMALL, dataset: arrays, db, dataDir, trials: 0 })) assert.fail('no event before the options are checked');
  }, ConfigError);
  assert.equal(fs.existsSync(db), false);
  // The arrays are checked before they are written; other options are checked after (the .npz is the data cache).
  assert.deepEqual(fs.readdirSync(dir).sort(), ['data']);
});

test('stop() ends the search as Ctrl-C does; the same search then resumes and finishes', async () => {
  const { db, dataDir } = scratch();
  process.env.NAS_TEST_EVALUATOR = 'fake:50';
  try {
    const arrays = halvesArrays(200);
    const options = { ...SMALL, trials: 8, controllerBatch: 2, dataset: arrays, db, dataDir };
    const run = search(options);
    for await (const event of run) if (event.type === 'trial-end') run.stop();
    const stopped = await run;
    assert.equal(stopped.status, 'stopped');
    assert.ok(stopped.finished >= 1 && stopped.finished < 8, `finished ${stopped.finished}`);
    const resumed = await search(options);
    assert.equal(resumed.status, 'completed');
    assert.equal(resumed.finished, 8);
  } finally {
    delete process.env.NAS_TEST_EVALUATOR;
  }
});

test('loadArch() reads a file, ARCH text and a list of layers, and names the bad layer', () => {
  const dir = scratch().dir;
  const text = '[{"type": "C", "num_output": 8, "kernel_size": 3}, {"type": "P", "pool": "max", "kernel_size": 2}, {"type": "T"}]';
  const file = path.join(dir, 'arch.json');
  fs.writeFileSync(file, text);
  const fromText = loadArch(text);
  assert.deepEqual(loadArch(file), fromText);
  assert.deepEqual(loadArch(JSON.parse(text)), fromText);
  assert.equal(fromText.length, 3);
  assert.throws(() => loadArch('[{"type": "C", "num_output": -1, "kernel_size": 3}]'), (error: unknown) => error instanceof ArchError && /layer 0/.test(error.message));
});
