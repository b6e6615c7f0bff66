/**
 * Every error that a user's input or the environment can cause is a NasError: the CLI prints its one-line
 * message and exits with its exitCode (2 for a bad input, 3 for a failing database), never a stack trace.
 * Anything else is a bug and keeps its stack (exit 1).
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

/** What went wrong with a database file; the kinds decide the message, not the exit code. */
export type DatabaseFailure = 'full' | 'damaged' | 'io' | 'read-only' | 'locked' | 'cannot-open';

/**
 * The database file failed (disk full, damaged, I/O error, read-only, locked past the busy timeout): not a
 * mistake in the input, so a code of its own, 3, whatever the kind. Made by src/store, which knows the file.
 */
export class DatabaseError extends NasError {
  override readonly exitCode: number = 3;
  constructor(
    message: string,
    readonly file: string,
    readonly failure: DatabaseFailure,
    /** SQLite's code (SQLITE_FULL, SQLITE_IOERR_WRITE, ...) or the system's (ENOSPC, EROFS, ...). */
    readonly code: string,
    /** What SQLite or the system said ("database disk image is malformed"). */
    readonly detail: string,
  ) {
    super(message);
  }
}

/** A backend that was asked for and is not available. */
export class BackendError extends NasError {}

/**
 * A full training that did not finish: the loss became NaN, its worker crashed, or it was interrupted. Not a
 * mistake in the input: exit code 1. A checkpoint of its last finished epoch lets the same command continue.
 */
export class TrainingError extends NasError {
  override readonly exitCode: number = 1;
}

function formatLocated(message: string, layer?: number, field?: string): string {
  const where = [layer !== undefined ? `layer ${layer}` : '', field !== undefined ? `field '${field}'` : '']
    .filter(Boolean)
    .join(', ');
  return where ? `${where}: ${message}` : message;
}
