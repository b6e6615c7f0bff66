/**
 * A real redis-server (Debian's) for the tests and benches of src/dispatch: each gets its own, on a free
 * loopback port (redis refuses --port 0, so one is found by binding port 0 first), in a temporary folder,
 * without persistence unless asked, stopped and removed afterwards. Nothing is left running.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface RedisServer {
  /** redis://[:password@]127.0.0.1:PORT */
  url: string;
  port: number;
  dir: string;
  /** Kills it (SIGKILL: nothing saved) and starts it again on the same port; with `persist`, its data is kept. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface RedisServerOptions {
  /** Addresses to listen on besides 127.0.0.1 (a veth's, for a worker in a network namespace). */
  bind?: string[];
  password?: string;
  /** Keep the data across restart() (an append-only file fsynced always); default: no persistence at all. */
  persist?: boolean;
  /** Serve TLS only (rediss://), with this certificate and key (PEM files). */
  tls?: { cert: string; key: string };
}

export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** A free TCP port on the loopback interface (bound then released: the kernel picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startRedis(options: RedisServerOptions = {}): Promise<RedisServer> {
  if (!hasRedisServer()) throw new Error('redis-server is not installed: apt-get install redis-server (.ci/run does)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-redis-'));
  const port = await freePort();
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1', ...(options.bind ?? []),
    '--dir', dir,
    '--save', '',
    '--appendonly', options.persist ? 'yes' : 'no',
    '--appendfsync', 'always',
    '--protected-mode', 'no',
    '--daemonize', 'no',
    '--logfile', path.join(dir, 'redis.log'),
  ];
  if (options.password) args.push('--requirepass', options.password);
  if (options.tls) {
    args[1] = '0';
    args.push('--tls-port', String(port), '--tls-cert-file', options.tls.cert, '--tls-key-file', options.tls.key, '--tls-ca-cert-file', options.tls.cert, '--tls-auth-clients', 'no');
  }
  let child = await launch(args, port);
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : '';
  return {
    url: `${options.tls ? 'rediss' : 'redis'}://${auth}127.0.0.1:${port}`,
    port,
    dir,
    async restart() {
      await kill(child, 'SIGKILL');
      child = await launch(args, port);
    },
    async stop() {
      await kill(child, 'SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function launch(args: string[], port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  // Never left running: killed with the test process at the latest.
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode} (args: ${args.join(' ')})`);
    if (await accepts(port)) return child;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not listen on port ${port} within 10 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}
