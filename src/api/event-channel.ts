/**
 * Events as an async iterator: each iterator made sees the events pushed after it was made, in order, and ends
 * when the channel closes (or throws the error it failed with). Nothing is kept for iterators nobody made.
 */
export class EventChannel<T> {
  private readonly readers = new Set<Reader<T>>();
  private ended: { error?: unknown } | undefined;

  push(event: T): void {
    for (const reader of this.readers) reader.push(event);
  }

  close(): void {
    this.end({});
  }

  fail(error: unknown): void {
    this.end({ error });
  }

  iterator(): AsyncIterator<T> {
    const reader = new Reader<T>(() => this.readers.delete(reader));
    if (this.ended) reader.end(this.ended);
    else this.readers.add(reader);
    return reader;
  }

  private end(how: { error?: unknown }): void {
    if (this.ended) return;
    this.ended = how;
    for (const reader of this.readers) reader.end(how);
    this.readers.clear();
  }
}

class Reader<T> implements AsyncIterator<T> {
  private readonly queue: T[] = [];
  private waiting: { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void } | undefined;
  private ended: { error?: unknown } | undefined;

  constructor(private readonly detach: () => void) {}

  push(event: T): void {
    if (this.waiting) {
      const { resolve } = this.waiting;
      this.waiting = undefined;
      resolve({ value: event, done: false });
    } else this.queue.push(event);
  }

  end(how: { error?: unknown }): void {
    this.ended = how;
    if (!this.waiting) return;
    const { resolve, reject } = this.waiting;
    this.waiting = undefined;
    if ('error' in how) reject(how.error);
    else resolve({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<T>> {
    if (this.queue.length > 0) return Promise.resolve({ value: this.queue.shift()!, done: false });
    if (this.ended) {
      const how = this.ended;
      // An error is thrown once; the iterator is done after it.
      this.ended = {};
      return 'error' in how ? Promise.reject(how.error) : Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  return(): Promise<IteratorResult<T>> {
    this.queue.length = 0;
    this.ended = {};
    this.detach();
    return Promise.resolve({ value: undefined, done: true });
  }
}
