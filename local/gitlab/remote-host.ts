import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** How the stand-in answers one path instead of serving the file (failure paths are features). */
export interface RemoteFault {
  status?: number;
  /** Answer after this long (a slow host). */
  delayMs?: number;
  /** Serve this many bytes of filler instead of the file (an oversized include). */
  bytes?: number;
  /** 302 to this URL. */
  redirect?: string;
}

/** A stand-in for the web servers `include:remote` points at (tests only: production fetches real https hosts). */
export interface RemoteHost {
  /** `https://127.0.0.1:<port>`; files are also served under any `hosts` name through `connect`. */
  url: string;
  port: number;
  /** PEM of the self-signed certificate (SANs: 127.0.0.1 and every host name given). */
  ca: string;
  /** Where a client should connect for a URL on one of the served hosts. */
  connect(url: URL): { host: string; port: number };
  /** Add or replace a file: `https://host/path` → content. */
  put(url: string, content: string): void;
  fault(url: string, f: RemoteFault | undefined): void;
  /** Every request seen, as `host/path`. */
  requests(): string[];
  close(): Promise<void>;
}

function certFor(hosts: string[]): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'remote-host-tls-'));
  try {
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    const san = ['IP:127.0.0.1', ...hosts.map((h) => `DNS:${h}`)].join(',');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert,
      '-days', '30', '-subj', '/CN=remote-include-stand-in', '-addext', `subjectAltName=${san}`], { stdio: 'ignore' });
    return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const keyOf = (u: URL): string => `${u.hostname}${u.pathname}`;

/**
 * Start an https server that serves CI files by host and path, like `gitlab.freedesktop.org/.../-/raw/<sha>/x.yml`.
 * @example
 * const remote = await startRemoteHost({ 'https://ci.example.com/t.yml': 'job: …' });
 * createRemoteReader({ allowlist: ['https://ci.example.com/'], ca: remote.ca, connect: remote.connect });
 */
export async function startRemoteHost(files: Record<string, string> = {}, extraHosts: string[] = []): Promise<RemoteHost> {
  const store = new Map<string, string>();
  const faults = new Map<string, RemoteFault>();
  const seen: string[] = [];
  for (const [u, c] of Object.entries(files)) store.set(keyOf(new URL(u)), c);
  const hosts = [...new Set([...Object.keys(files).map((u) => new URL(u).hostname), ...extraHosts])];
  const tls = certFor(hosts);
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const host = String(req.headers.host ?? '').replace(/:\d+$/, '');
    const key = `${host}${new URL(req.url ?? '/', 'https://x').pathname}`;
    seen.push(key);
    const f = faults.get(key);
    const answer = (): void => {
      if (f?.redirect) return void res.writeHead(302, { location: f.redirect }).end();
      if (f?.status) return void res.writeHead(f.status, { 'content-type': 'text/plain' }).end(`status ${f.status}`);
      if (f?.bytes !== undefined) return void res.writeHead(200, { 'content-type': 'text/plain' }).end('#'.repeat(f.bytes));
      const body = store.get(key);
      if (body === undefined) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(body);
    };
    if (f?.delayMs) setTimeout(answer, f.delayMs).unref();
    else answer();
  };
  const server = createServer(tls, handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`, port, ca: tls.cert,
    connect: () => ({ host: '127.0.0.1', port }),
    put: (u, c) => void store.set(keyOf(new URL(u)), c),
    fault: (u, fl) => void (fl ? faults.set(keyOf(new URL(u)), fl) : faults.delete(keyOf(new URL(u)))),
    requests: () => [...seen],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
