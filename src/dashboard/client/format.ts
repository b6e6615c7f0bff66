/** Number formats of the pages, as the CLI prints them (nas best, nas show): a missing value is '-'. */

const missing = (value: number | null | undefined): value is null | undefined =>
  value === null || value === undefined || !Number.isFinite(value);

export function fixed(value: number | null | undefined, digits = 4): string {
  return missing(value) ? '-' : value.toFixed(digits);
}

export function percent(value: number | null | undefined, digits = 1): string {
  return missing(value) ? '-' : `${(value * 100).toFixed(digits)}%`;
}

/** 4108 -> 4.1k, 2,300,000 -> 2.30M. */
export function count(value: number | null | undefined): string {
  if (missing(value)) return '-';
  if (value >= 1e9) return `${(value / 1e9).toFixed(2)}G`;
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  return String(value);
}

/** 1234567 -> 1,234,567. */
export function whole(value: number | null | undefined): string {
  return missing(value) ? '-' : Math.round(value).toLocaleString('en-US');
}

export function duration(seconds: number | null | undefined): string {
  if (missing(seconds)) return '-';
  if (seconds < 59.95) return `${seconds.toFixed(1)}s`;
  const wholeSeconds = Math.round(seconds);
  const minutes = Math.floor(wholeSeconds / 60);
  if (minutes < 60) return `${minutes}m${String(wholeSeconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** '2026-12-06T07:12:53.653Z' -> '2026-12-06 07:12:53'. */
export function time(iso: string | null | undefined): string {
  return iso ? iso.slice(0, 19).replace('T', ' ') : '-';
}
