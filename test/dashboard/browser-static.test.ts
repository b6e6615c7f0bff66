import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import { writeReport, type DashboardServer } from '../../src/dashboard/index.js';
import { chartPoints, openBrowser, type Browser } from './browser.js';
import { makeDatabase, serve, tmpDir } from './helpers.js';

const XSS = '<img src=x onerror="window.hacked=1;alert(1)">';

let dir: string;
let browser: Browser;
let server: DashboardServer;

before(async () => {
  dir = tmpDir();
  const file = path.join(dir, 'r.db');
  makeDatabase(file, [{ name: 'first', trials: 120, epochs: 4 }, { name: 'second', trials: 50, strategy: 'random' }]);
  // Stored strings written by anyone: an experiment's name and a trial's error that would be markup if parsed.
  const db = new Database(file);
  db.prepare(`UPDATE experiments SET name = ? WHERE id = 2`).run(`<script>window.hacked=2</script>${XSS}`);
  db.prepare(`UPDATE trials SET status = 'failed', error = ? WHERE id = 5`).run(`error: ${XSS}`);
  db.prepare(`UPDATE trials SET status = 'failed', reward = 0, arch = '[{"type": "C", broken' WHERE id = 7`).run();
  db.close();
  browser = await openBrowser();
  server = await serve(file);
});

after(async () => {
  await server?.close();
  await browser?.close();
});

test('stored strings with markup show as text and run nothing', { timeout: 60_000 }, async () => {
  const { page } = browser;
  let dialogs = 0;
  page.on('dialog', (dialog) => {
    dialogs++;
    void dialog.dismiss();
  });
  await page.goto(`${server.url}#/`);
  await page.waitForSelector('table.experiments tbody tr:nth-child(2)');
  assert.equal(await page.textContent('table.experiments tbody tr:nth-child(2) td:nth-child(2)'), `<script>window.hacked=2</script>${XSS}`);
  await page.goto(`${server.url}#/trial/5`);
  await page.waitForSelector('[data-field="error"]');
  assert.equal(await page.textContent('[data-field="error"]'), `error: ${XSS}`);
  await page.goto(`${server.url}#/experiment/2`);
  await page.waitForSelector('[data-chart="rewards"][data-points]');
  assert.equal(await page.locator('img').count(), 0);
  assert.equal(await page.locator('script:not([type])').count(), 0);
  assert.equal(await page.evaluate(() => (window as unknown as { hacked?: number }).hacked), undefined);
  assert.equal(dialogs, 0);
});

test('a missing experiment or trial, or a damaged row, is a clear message on the page; the server goes on', { timeout: 60_000 }, async () => {
  const { page } = browser;
  await page.goto(`${server.url}#/experiment/999`);
  await page.waitForSelector('.error-box');
  assert.equal(await page.textContent('.error-box'), 'no experiment 999 in this database');
  await page.goto(`${server.url}#/trial/7`);
  await page.waitForSelector('.error-box:has-text("trial 7")');
  assert.equal(await page.textContent('.error-box'), 'trial 7: its stored ARCH is damaged (not JSON)');
  await page.goto(`${server.url}#/trial/8`);
  await page.waitForSelector('table.layers');
  assert.equal(await page.locator('.error-box').count(), 0, 'the message goes once a page works');
  // The browser logs each failed request (404, 500) as a console error: expected here, and only those.
  assert.ok(browser.problems.every((problem) => /Failed to load resource: the server responded with a status of (404|500)/.test(problem)), browser.problems.join('\n'));
  browser.problems.length = 0;
});

test('every plot of the experiment page draws, and the table sorts, filters, searches and keeps the top K', { timeout: 60_000 }, async () => {
  const { page } = browser;
  await page.goto(`${server.url}#/experiment/1`);
  await page.waitForSelector('[data-chart="curves-accuracy"][data-series]');
  assert.equal(await chartPoints(page, 'rewards'), 120);
  assert.ok((await chartPoints(page, 'pareto-params')) > 50);
  assert.ok((await chartPoints(page, 'pareto-macs')) > 50);
  assert.equal(await chartPoints(page, 'controller'), 12);
  assert.equal(await chartPoints(page, 'curves-accuracy'), 4, 'epochs 1 to 4');
  const rows = page.locator('table.trials tbody tr');
  await page.fill('[data-control="top"]', '7');
  await page.press('[data-control="top"]', 'Enter');
  await page.waitForSelector('.table-summary:text-matches("^trials 1-7 of 7$")');
  await page.click('th[data-sort="reward"]');
  await page.waitForSelector('th[data-sort="reward"]:has-text("▼")');
  const rewards = (await rows.locator('td:nth-child(3)').allTextContents()).map(Number);
  assert.deepEqual(rewards, [...rewards].sort((a, b) => b - a));
  await page.fill('[data-control="top"]', '0');
  await page.press('[data-control="top"]', 'Enter');
  await page.selectOption('[data-control="status"]', 'pruned');
  await page.waitForSelector('tr[data-trial] .status-pruned');
  await page.waitForFunction(() => [...document.querySelectorAll('table.trials tbody td:nth-child(2)')].every((td) => td.textContent === 'pruned'));
  assert.deepEqual([...new Set(await rows.locator('td:nth-child(2)').allTextContents())], ['pruned']);
  await page.selectOption('[data-control="status"]', 'all');
  await page.fill('[data-control="search"]', '#17');
  await page.waitForSelector('.table-summary:text-matches("^trials 1-1 of 1$")');
  assert.equal(await rows.locator('td:first-child').textContent(), '17');
  // A row's click adds its learning curve.
  await rows.first().click();
  await page.waitForSelector('.picked .chip');
  assert.deepEqual(browser.problems, []);
});

test('nas report: the file opens with the network off, draws the plots and asks nothing of any server', { timeout: 60_000 }, async () => {
  const out = path.join(dir, 'report.html');
  writeReport({ db: path.join(dir, 'r.db'), experiments: [], out });
  const page = await browser.context.newPage();
  const fetched: string[] = [];
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('request', (request) => {
    if (!request.url().startsWith('file:') && !request.url().startsWith('data:')) fetched.push(request.url());
  });
  await browser.context.setOffline(true);
  try {
    await page.goto(`${pathToFileURL(out).href}#/experiment/1`);
    await page.waitForSelector('[data-chart="curves-accuracy"][data-series]');
    assert.equal(await chartPoints(page, 'rewards'), 120);
    assert.ok((await chartPoints(page, 'pareto-params')) > 50);
    assert.equal(await page.locator('canvas').count() >= 7, true);
    assert.equal(await page.textContent('[data-field="live"]'), 'report');
    const link = page.locator('table.trials tbody tr:first-child a');
    await page.click('th[data-sort="reward"]');
    await page.waitForSelector('th[data-sort="reward"]:has-text("▼")');
    await link.click();
    await page.waitForSelector('table.layers');
    await page.goto(`${pathToFileURL(out).href}#/compare/1,2`);
    await page.waitForSelector('[data-chart="compare-trial"][data-series="2"]');
    assert.deepEqual(fetched, []);
    assert.deepEqual(problems, []);
  } finally {
    await browser.context.setOffline(false);
    await page.close();
  }
});
