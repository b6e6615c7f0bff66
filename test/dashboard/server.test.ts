import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import type { CompareView, CurvesView, ExperimentOverview, ExperimentView, TablePage, TrialColumns, TrialDetail } from '../../src/dashboard/client/types.js';
import type { DashboardServer } from '../../src/dashboard/index.js';
import { Store } from '../../src/store/index.js';
import { get, getJson, makeDatabase, serve, tmpDir } from './helpers.js';

let file: string;
let server: DashboardServer;
let ids: number[];
let replayed: number;

before(async () => {
  file = path.join(tmpDir(), 'r.db');
  ({ ids, replayed } = makeDatabase(file, [{ name: 'a', trials: 80 }, { name: 'b', trials: 40, strategy: 'random' }]));
  server = await serve(file);
});

after(() => server?.close());

test('the JSON views hold the numbers the store holds', async () => {
  const store = Store.openReadOnly(file);
  try {
    const list = await getJson<ExperimentOverview[]>(server.url, '/api/experiments');
    assert.deepEqual(list.map((e) => e.name), ['a', 'b']);
    for (const overview of list) {
      const trials = store.trials.list(overview.id);
      const count = (status: string): number => trials.filter((t) => t.status === status).length;
      const best = store.trials.top(overview.id, 1)[0]!;
      assert.deepEqual(
        [overview.trials, overview.finished, overview.completed, overview.pruned, overview.failed, overview.duplicates, overview.trialsTarget],
        [trials.length, trials.length, count('completed'), count('pruned'), count('failed'), count('duplicate'), trials.length],
      );
      assert.deepEqual([overview.bestReward, overview.bestValAcc, overview.bestTrialId], [best.reward, best.valAcc, best.id]);
      assert.equal(overview.duplicateRate, count('duplicate') / trials.length);
    }
    const view = await getJson<ExperimentView>(server.url, `/api/experiments/${ids[0]}`);
    assert.equal(view.config['trials'], 80);
    const trials = store.trials.list(ids[0]!);
    const columns = await getJson<TrialColumns>(server.url, `/api/experiments/${ids[0]}/columns?fromSeq=0`);
    assert.deepEqual(columns.seq, trials.map((t) => t.seq));
    assert.deepEqual(columns.params, trials.map((t) => t.params));
    columns.reward.forEach((r, i) => assert.ok(Math.abs(r! - trials[i]!.reward!) < 1e-6));
    const tail = await getJson<TrialColumns>(server.url, `/api/experiments/${ids[0]}/columns?fromSeq=71`);
    assert.deepEqual(tail.seq, Array.from({ length: 10 }, (_, i) => 71 + i));

    const top = await getJson<TablePage>(server.url, `/api/experiments/${ids[0]}/table?sort=reward&dir=desc&top=5`);
    assert.deepEqual(top.rows.map((r) => r.id), store.trials.top(ids[0]!, 5).map((t) => t.id));
    const curves = await getJson<CurvesView>(server.url, `/api/experiments/${ids[0]}/curves?top=3&ids=${trials[0]!.id}`);
    assert.deepEqual(curves.curves.slice(0, 3).map((c) => c.trialId), store.trials.top(ids[0]!, 3).map((t) => t.id));
    assert.deepEqual(curves.curves[0]!.valAcc, store.trials.epochs(curves.curves[0]!.trialId).map((e) => e.valAcc));

    const detail = await getJson<TrialDetail>(server.url, `/api/trials/${replayed}`);
    assert.equal(detail.replays[0]!.testAcc, 0.8125);
    assert.deepEqual(detail.classNames?.length, 4);
    assert.equal(detail.arch.layers!.reduce((sum, l) => sum + l.params, 0), store.trials.byId(replayed)!.params);
    assert.match(detail.replayCommand, new RegExp(`^nas replay ${replayed} --db `));

    const compare = await getJson<CompareView>(server.url, `/api/compare?ids=${ids.join(',')}`);
    assert.deepEqual(compare.experiments.map((e) => [e.name, e.best.length, e.best[e.best.length - 1]]), [
      ['a', 80, store.trials.top(ids[0]!, 1)[0]!.reward],
      ['b', 40, store.trials.top(ids[1]!, 1)[0]!.reward],
    ]);
  } finally {
    store.close();
  }
});

test('only its own assets and views: no path traversal, no other method, unknown ids 404, bad parameters 400', async () => {
  for (const pathname of ['/assets/../../package.json', '/assets/..%2f..%2fpackage.json', '/assets/%2e%2e/%2e%2e/package.json', '/../../etc/passwd', '/assets/main.js.map', '/api/sql?q=select']) {
    assert.equal((await get(server.url, pathname)).status, 404, pathname);
  }
  assert.equal((await get(server.url, '/api/experiments', {}, 'POST')).status, 405);
  const missing = await get(server.url, '/api/trials/999999');
  assert.equal(missing.status, 404);
  assert.match(JSON.parse(missing.body).error, /no trial 999999/);
  assert.equal((await get(server.url, `/api/experiments/${ids[0]}/columns?fromSeq=-1`)).status, 400);
  assert.equal((await get(server.url, '/api/compare?ids=1,x')).status, 400);
  const page = await get(server.url, '/');
  assert.equal(page.status, 200);
  assert.match(String(page.headers['content-security-policy']), /default-src 'none'; script-src 'self' 'sha256-/);
  assert.equal(page.headers['x-content-type-options'], 'nosniff');
  const uplot = await get(server.url, '/assets/uplot.js');
  assert.match(uplot.body, /uPlot/);
});

test('bound to loopback, it answers only requests addressed to a loopback name (no DNS rebinding)', async () => {
  assert.equal((await get(server.url, '/api/experiments', { Host: 'evil.example:80' })).status, 421);
  assert.equal((await get(server.url, '/api/experiments', { Host: `localhost:${new URL(server.url).port}` })).status, 200);
});

test('a damaged row gives its page an error, and the server goes on serving the rest', async () => {
  const writer = new Database(file);
  writer.prepare(`UPDATE trials SET arch = '[{"type": broken' WHERE id = ?`).run(replayed);
  writer.close();
  const damaged = await get(server.url, `/api/trials/${replayed}`);
  assert.equal(damaged.status, 500);
  assert.match(JSON.parse(damaged.body).error, /stored ARCH is damaged/);
  assert.equal((await get(server.url, `/api/experiments/${ids[0]}/table`)).status, 200);
  assert.equal((await get(server.url, '/api/experiments')).status, 200);
});

test('the event stream says "change" when another process commits', async () => {
  const url = new URL('/api/events', server.url);
  const received = new Promise<string>((resolve, reject) => {
    const request = http.get(url, (response) => {
      assert.equal(response.headers['content-type'], 'text/event-stream; charset=utf-8');
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
        if (text.includes('event: change')) {
          request.destroy();
          resolve(text);
        }
      });
    });
    request.on('error', (error) => (error.message.includes('aborted') || (error as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(error)));
    setTimeout(() => {
      const writer = Store.open(file, { create: false });
      writer.experiments.setStatus(ids[1]!, 'stopped');
      writer.close();
    }, 300);
  });
  assert.match(await received, /event: change\ndata: \d+/);
});
