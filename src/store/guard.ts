import type Database from 'better-sqlite3';
import type { DatabaseError } from '../errors.js';
import { databaseFailure, type FailureContext } from './failures.js';

type SqliteDatabase = Database.Database;
type Statement = Database.Statement;

/** The failures after which the file cannot be trusted to take the next write: full, damaged, I/O error. */
const STICKY = new Set(['full', 'damaged', 'io']);

/** A statement's members that run SQL (and iterate); the others configure it, or return it for chaining. */
const RUNS_SQL = new Set<PropertyKey>(['run', 'get', 'all']);

/**
 * The connection that a Store's tables use: every SQLite failure of the file (see failures.ts) comes out of
 * it as a DatabaseError naming `file`, wherever it surfaces: a search's commits, a reader's query, a commit.
 * Wrapping the connection, not the Store's methods, catches the statements the tables run on their own.
 *
 * After a full disk, a damaged page or an I/O error, every later statement of a writable connection throws
 * that same error: a layer above may turn an exception into a value (the trainer pool prunes a trial whose
 * epoch hook threw), and nothing that depends on a failed write may be committed after it, even if a later
 * write would fit. A read-only connection goes on (nas db check reads what it still can).
 */
export function guardDatabase(db: SqliteDatabase, file: string, context: FailureContext = {}): SqliteDatabase {
  const guard = new FailureGuard(file, { ...context, readOnly: db.readonly });
  const guarded: SqliteDatabase = new Proxy(db, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (property === 'prepare') return (source: string) => guardStatement(guard.run(() => target.prepare(source)), guard);
      if (property === 'transaction') return (work: Work) => guardTransaction(target.transaction(work), guard);
      if (property === 'close') return () => guard.map(() => target.close());
      const runsSql = property === 'exec' || property === 'pragma';
      return chained(target, guarded, value as Method, (call) => (runsSql ? guard.run(call) : call()));
    },
  });
  return guarded;
}

type Method = (...args: unknown[]) => unknown;
type Work = Parameters<SqliteDatabase['transaction']>[0];

/** `method` called on `target`, through `through`; a method that returns `target` (for chaining) returns `proxy`. */
function chained<T extends object>(target: T, proxy: T, method: Method, through: (call: () => unknown) => unknown): Method {
  return (...args) => {
    const result = through(() => method.apply(target, args));
    return result === target ? proxy : result;
  };
}

class FailureGuard {
  private failed: DatabaseError | null = null;

  constructor(
    private readonly file: string,
    private readonly context: FailureContext,
  ) {}

  /** Runs SQL: refused after a sticky failure, and its failures mapped. */
  run<T>(work: () => T): T {
    if (this.failed) throw this.failed;
    return this.map(work);
  }

  /** Maps the failures of `work`; the sticky ones are remembered. */
  map<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      const failure = databaseFailure(error, this.file, this.context);
      if (!failure) throw error;
      if (!this.context.readOnly && STICKY.has(failure.failure)) this.failed ??= failure;
      throw failure;
    }
  }
}

function guardStatement(statement: Statement, guard: FailureGuard): Statement {
  const guarded: Statement = new Proxy(statement, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (property === 'iterate') return (...args: unknown[]) => guardIterator(guard.run(() => (value as Method).apply(target, args)), guard);
      const runsSql = RUNS_SQL.has(property);
      return chained(target, guarded, value as Method, (call) => (runsSql ? guard.run(call) : call()));
    },
  });
  return guarded;
}

/** The rows of iterate() are read as they are asked for: each step can fail. */
function guardIterator(rows: unknown, guard: FailureGuard): IterableIterator<unknown> {
  const iterator = rows as IterableIterator<unknown>;
  return {
    next: () => guard.run(() => iterator.next()),
    return: (value?: unknown) => iterator.return?.(value) ?? { done: true, value },
    [Symbol.iterator]() {
      return this;
    },
  };
}

/** better-sqlite3's transaction function and its variants: BEGIN and COMMIT fail here, not in a statement. */
function guardTransaction(transaction: Database.Transaction<Work>, guard: FailureGuard): Database.Transaction<Work> {
  const wrap = (variant: Method): Method => (...args) => guard.run(() => variant(...args));
  return Object.assign(wrap(transaction), {
    default: wrap(transaction.default),
    deferred: wrap(transaction.deferred),
    immediate: wrap(transaction.immediate),
    exclusive: wrap(transaction.exclusive),
  });
}
