import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startDashboard, type DashboardServer } from '../../src/dashboard/index.js';
import { Store } from '../../src/store/index.js';
import { runCli, startCli, TINY_SPACE, type CliResult } from '../e2e/cli.js';
import { chartPoints, openBrowser, until, type Browser } from './browser.js';
import { addReplay } from './generate.js';
import { tmpDir } from './helpers.js';

/**
 * The dashboard in chromium while `nas search` (the fake evaluator, a few hundred ms per trial) writes the
 * same database: the page grows without reloading, neither side ever sees "database is locked".
 */
const TRIALS = 48;
const SEARCH = ['search', '--dataset', 'synthetic', '--space', TINY_SPACE, '--epochs', '2', '--controller-batch', '4', '--db', 'live.db', '--quiet'];

let dir: string;
let browser: Browser;
let server: DashboardServer | undefined;
const serverLog: string[] = [];

before(async () => {
  dir = tmpDir();
  browser = await openBrowser();
});

after(async () => {
  await server?.close();
  await browser?.close();
});

function experimentReady(file: string): boolean {
  try {
    const store = Store.openReadOnly(file);
    try {
      return (store.experiments.list()[0]?.finished ?? 0) > 0;
    } finally {
      store.close();
    }
  } catch {
    return false;
  }
}

test('while a search runs, the trial count and the reward plot grow without a reload', { timeout: 120_000 }, async () => {
  const search = startCli([...SEARCH, '--trials', String(TRIALS), '--prune', 'median', '--prune-min-trials', '3', '--name', 'live'], {
    cwd: dir,
    env: { NAS_TEST_EVALUATOR: 'fake:200' },
  });
  const file = path.join(dir, 'live.db');
  await until('the search to commit its first trial', () => experimentReady(file));
  server = await startDashboard({ db: file, port: 0, host: '127.0.0.1', pollMs: 100, log: (line) => serverLog.push(line) });
  const { page } = browser;
  let loads = 0;
  page.on('load', () => loads++);
  await page.goto(`${server.url}#/experiment/1`);
  await page.waitForSelector('[data-chart="rewards"][data-points]');
  await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
  const firstPoints = await chartPoints(page, 'rewards');
  const trialsText = async (): Promise<number> => Number(((await page.textContent('[data-field="trials"]')) ?? '0/0').split('/')[0]);
  const firstCount = await trialsText();
  assert.ok(firstCount < TRIALS, `the page opened before the search ended (${firstCount} trials)`);
  await until('the reward plot to grow', async () => (await chartPoints(page, 'rewards')) > firstPoints + 3);
  const result: CliResult = await search.done;
  assert.equal(result.code, 0, result.stderr);
  await until('the page to show every trial', async () => (await trialsText()) === TRIALS);
  assert.equal(await chartPoints(page, 'rewards'), TRIALS);
  assert.equal(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument), true, 'the page was never reloaded');
  assert.equal(loads, 1);
  assert.doesNotMatch(result.stderr, /locked|busy/i);
  assert.deepEqual(serverLog, []);
  assert.deepEqual(browser.problems, []);

  // The right numbers: the header's best reward is the store's best trial.
  const store = Store.openReadOnly(file);
  const best = store.trials.top(1, 1)[0]!;
  store.close();
  assert.match((await page.textContent('[data-field="best"]'))!, new RegExp(`^${best.reward!.toFixed(4)} \\(val acc ${(best.valAcc! * 100).toFixed(1)}%\\)$`));
  assert.equal(await page.getAttribute('[data-chart="entropy-strip"]', 'data-columns'), String(TRIALS / 4));
});

test('clicking a trial opens its page: the layer table and the learning curve show', { timeout: 60_000 }, async () => {
  const { page } = browser;
  await page.click('th[data-sort="reward"]'); // highest reward first
  await page.waitForSelector('th[data-sort="reward"]:has-text("▼")');
  const link = page.locator('table.trials tbody tr:first-child a');
  const seq = await link.textContent();
  await link.click();
  await page.waitForSelector('table.layers');
  assert.match((await page.textContent('h1'))!, new RegExp(`^Trial #${seq} `));
  const total = await page.locator('table.layers tbody tr:last-child td').nth(4).textContent();
  assert.equal(total, await page.getAttribute('[data-field="params"]', 'title'), 'the layers add up to the trial\'s parameters');
  await page.waitForSelector('[data-chart="trial-curve"] canvas');
  assert.equal(await chartPoints(page, 'trial-curve'), 2, 'two epochs');
  // A box per layer and one for the input; the table has a row per layer and the total.
  assert.equal(await page.locator('svg.network g').count(), await page.locator('table.layers tbody tr').count());
});

test('a replayed trial shows its confusion matrix and per-class scores', { timeout: 60_000 }, async () => {
  const file = path.join(dir, 'live.db');
  const store = Store.open(file, { create: false });
  const best = store.trials.top(1, 1)[0]!;
  addReplay(store, best.id);
  store.close();
  const { page } = browser;
  await page.goto(`${server!.url}#/trial/${best.id}`);
  await page.waitForSelector('table.confusion');
  assert.equal(await page.locator('table.confusion tbody tr').count(), 4);
  assert.equal(await page.locator('table.confusion tbody td').count(), 16);
  assert.equal(await page.textContent('table.confusion tbody tr:first-child td:first-of-type'), '40');
  assert.equal(await page.textContent('[data-field="test-acc"]'), '81.25%');
  assert.equal(await page.locator('table.per-class tbody tr').count(), 4);
});

test('two experiments compare on one plot, by trial and by time', { timeout: 60_000 }, async () => {
  const random = await runCli([...SEARCH, '--trials', '12', '--strategy', 'random', '--name', 'random'], { cwd: dir, env: { NAS_TEST_EVALUATOR: 'fake' } });
  assert.equal(random.code, 0, random.stderr);
  const { page } = browser;
  await page.goto(`${server!.url}#/`);
  await page.waitForSelector('table.experiments tbody tr:nth-child(2)');
  await page.check('input[data-experiment="1"]');
  await page.check('input[data-experiment="2"]');
  await page.click('[data-control="compare"]');
  await page.waitForSelector('[data-chart="compare-trial"][data-series="2"]');
  assert.equal(await chartPoints(page, 'compare-trial'), TRIALS);
  assert.ok((await chartPoints(page, 'compare-time')) > 0);
  assert.deepEqual(await page.locator('.compare-page table tbody tr td:first-child').allTextContents(), ['live', 'random']);
  assert.deepEqual(browser.problems, []);
});
