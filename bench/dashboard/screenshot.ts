/**
 * The README's picture: the experiment page of a stored search, in headless chromium.
 *
 *   node dist/bench/dashboard/screenshot.js --db runs/prune.db --experiment 2 --out docs/dashboard-experiment.png
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { startDashboard } from '../../src/dashboard/index.js';
import { openBrowser } from '../../test/dashboard/browser.js';

const argv = yargs(hideBin(process.argv))
  .option('db', { type: 'string', demandOption: true })
  .option('experiment', { type: 'number', demandOption: true, describe: 'experiment id' })
  .option('out', { type: 'string', demandOption: true })
  .option('width', { type: 'number', default: 1400 })
  .option('height', { type: 'number', default: 2050, describe: 'the top of the page to keep, in CSS pixels' })
  .strict()
  .parseSync();

const server = await startDashboard({ db: argv.db, port: 0, host: '127.0.0.1' });
const browser = await openBrowser();
try {
  await browser.page.setViewportSize({ width: argv.width, height: argv.height });
  await browser.page.goto(`${server.url}#/experiment/${argv.experiment}`);
  await browser.page.waitForSelector('[data-chart="curves-accuracy"][data-series]');
  await browser.page.waitForSelector('table.trials tbody tr');
  await browser.page.waitForTimeout(300);
  await browser.page.screenshot({ path: argv.out, clip: { x: 0, y: 0, width: argv.width, height: argv.height } });
  console.log(`wrote ${argv.out}`);
} finally {
  await browser.close();
  await server.close();
}
