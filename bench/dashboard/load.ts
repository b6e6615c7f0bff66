import type { Page } from 'playwright-core';

export interface PageLoad {
  /** From the start of navigation to every plot drawn and the table filled, as the page's own clock says. */
  drawnMs: number;
  /** CPU time of the page's main thread meanwhile (Chrome's TaskDuration: scripts, style, layout, paint). */
  pageCpuMs: number;
  /** CPU time of this process meanwhile: the dashboard's server (and the bench's driving of the browser). */
  serverCpuMs: number;
  rewardPoints: number;
  paretoPoints: number;
  controllerPoints: number;
  curves: number;
  tableRows: number;
}

/**
 * Opens `url` afresh and waits until the experiment page has drawn all its plots over `trials` trials. On a
 * loaded machine the wall time says as much about the other jobs as about the page; the CPU times do not.
 */
export async function loadPage(page: Page, url: string, trials: number): Promise<PageLoad> {
  await page.goto('about:blank');
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const taskSeconds = async (): Promise<number> =>
    (await cdp.send('Performance.getMetrics')).metrics.find((metric) => metric.name === 'TaskDuration')?.value ?? 0;
  const cpuBefore = process.cpuUsage();
  const tasksBefore = await taskSeconds();
  await page.goto(url);
  await page.waitForFunction(
    (n) => {
      const points = (name: string): number => Number(document.querySelector(`[data-chart="${name}"]`)?.getAttribute('data-points') ?? -1);
      return points('rewards') === n && points('pareto-params') > 0 && points('pareto-macs') > 0 && points('controller') > 0 &&
        Number(document.querySelector('[data-chart="curves-accuracy"]')?.getAttribute('data-series') ?? 0) > 0 &&
        document.querySelectorAll('table.trials tbody tr').length > 0;
    },
    trials,
    { timeout: 120_000, polling: 10 },
  );
  const cpu = process.cpuUsage(cpuBefore);
  const pageCpuMs = Math.round(((await taskSeconds()) - tasksBefore) * 1000);
  await cdp.detach();
  const shown = await page.evaluate(() => {
    const attr = (name: string, key: string): number => Number(document.querySelector(`[data-chart="${name}"]`)?.getAttribute(key) ?? -1);
    return {
      drawnMs: Math.round(performance.now()),
      rewardPoints: attr('rewards', 'data-points'),
      paretoPoints: attr('pareto-params', 'data-points'),
      controllerPoints: attr('controller', 'data-points'),
      curves: attr('curves-accuracy', 'data-series'),
      tableRows: document.querySelectorAll('table.trials tbody tr').length,
    };
  });
  return { ...shown, pageCpuMs, serverCpuMs: Math.round((cpu.user + cpu.system) / 1000) };
}
