import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Listening } from '#local/sandbox/http-util';
import { sendJson } from '#local/sandbox/http-util';

let cached: { key: string; cert: string } | undefined;

/** A self-signed P-256 certificate for 127.0.0.1, made once per process with the openssl CLI. */
export function selfSignedCert(): { key: string; cert: string } {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'kube-emu-tls-'));
  const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert,
    '-days', '3650', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  cached = { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
  return cached;
}

/**
 * `listen()` over TLS. client-go (kubectl, helm) only sends kubeconfig credentials over https
 * (clientcmd: "only try to read the auth information if we are secure"), so token checks against those tools
 * need this; client-node sends the token over plain http too.
 */
export async function listenTls(handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>, port = 0): Promise<Listening> {
  const wrapped = (req: IncomingMessage, res: ServerResponse) => {
    Promise.resolve(handler(req, res)).catch((e: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { message: e instanceof Error ? e.message : String(e) });
      else res.destroy();
    });
  };
  const server = createHttpsServer(selfSignedCert(), wrapped) as unknown as ReturnType<typeof createServer>;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const p = (server.address() as AddressInfo).port;
  return {
    server,
    port: p,
    url: `https://127.0.0.1:${p}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
