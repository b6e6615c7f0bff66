import type { ServerResponse } from 'node:http';

/**
 * Live updates: while a page listens (GET /api/events, server-sent events), the database's change counter is
 * read every `pollMs` (PRAGMA data_version: no table is read, no lock is taken) and each change is pushed as
 * an event `change`; the page then asks for what is new. Nothing is polled while no page listens.
 */
export class LiveHub {
  private readonly clients = new Set<ServerResponse>();
  private poller: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private last: number | null = null;

  constructor(
    private readonly version: () => number,
    private readonly pollMs = 300,
    private readonly heartbeatMs = 15_000,
  ) {}

  /** Holds `response` open as an event stream until the page goes away or the hub closes. */
  attach(response: ServerResponse): void {
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    response.write(`retry: 2000\n\n`);
    this.clients.add(response);
    response.on('close', () => {
      this.clients.delete(response);
      if (this.clients.size === 0) this.stop();
    });
    this.start();
  }

  get listeners(): number {
    return this.clients.size;
  }

  close(): void {
    this.stop();
    for (const client of this.clients) client.end();
    this.clients.clear();
  }

  private start(): void {
    if (this.poller) return;
    this.last = this.read();
    this.poller = setInterval(() => this.poll(), this.pollMs);
    this.heartbeat = setInterval(() => this.send(`: ping\n\n`), this.heartbeatMs);
    this.poller.unref();
    this.heartbeat.unref();
  }

  private stop(): void {
    if (this.poller) clearInterval(this.poller);
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.poller = this.heartbeat = null;
  }

  private poll(): void {
    const now = this.read();
    if (now === null || now === this.last) return;
    this.last = now;
    this.send(`event: change\ndata: ${now}\n\n`);
  }

  /** The counter, or null while the file cannot be read (the pages show the error on their next request). */
  private read(): number | null {
    try {
      return this.version();
    } catch {
      return null;
    }
  }

  private send(text: string): void {
    for (const client of this.clients) client.write(text);
  }
}
