import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium (apt-get install chromium; .ci/run installs it): playwright-core drives it, nothing is downloaded. */
export const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Errors thrown in the page (uncaught), and console errors. */
  problems: string[];
  close(): Promise<void>;
}

/** Chromium headless with a fresh user-data folder, and one page whose errors are collected. */
export async function openBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`the dashboard's browser tests need Debian's chromium at ${CHROMIUM}: apt-get install -y chromium (as .ci/run does)`);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1300, height: 900 } });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  return {
    context,
    page,
    problems,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The number of points a chart (data-chart NAME) draws. */
export async function chartPoints(page: Page, name: string): Promise<number> {
  return Number((await page.getAttribute(`[data-chart="${name}"]`, 'data-points')) ?? -1);
}

/** Waits until `predicate` holds, polling every 50 ms; fails with `what` after `ms`. */
export async function until(what: string, predicate: () => Promise<boolean> | boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
