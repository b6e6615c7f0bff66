/**
 * Every error that a user's input can cause is a NasError: the CLI prints its one-line message and
 * exits with code 2, never a stack trace. Anything else is a bug and keeps its stack.
 */
export class NasError extends Error {
  readonly exitCode: number = 2;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** An ARCH that does not parse or validate. `layer` is the 0-based index of the offending layer, when there is one. */
export class ArchError extends NasError {
  constructor(message: string, readonly layer?: number, readonly field?: string) {
    super(formatLocated(message, layer, field));
  }
}

/** A search-space file that does not parse or validate. */
export class SpaceError extends NasError {}

/** A dataset that cannot be found, fetched or read, or whose contents are wrong. */
export class DataError extends NasError {}

/** A bad option value or combination of options. */
export class ConfigError extends NasError {}

/** A database that cannot be opened or does not belong to nas, or a missing experiment / trial. */
export class StoreError extends NasError {}

/** A backend that was asked for and is not available. */
export class BackendError extends NasError {}

function formatLocated(message: string, layer?: number, field?: string): string {
  const where = [layer !== undefined ? `layer ${layer}` : '', field !== undefined ? `field '${field}'` : '']
    .filter(Boolean)
    .join(', ');
  return where ? `${where}: ${message}` : message;
}
