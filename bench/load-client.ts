import { Agent, request } from 'node:http';
import { pathToFileURL } from 'node:url';
import { percentile, r1 } from './lib/stats';

/**
 * A small autocannon-like load generator (no npm dependency): `connections` keep-alive sockets, each sending the next
 * request as soon as the previous response ends, for `durationMs`. Runs in its own process (bench/webhook-load.ts
 * spawns it) so the client does not share an event loop with the server it measures.
 */
export interface LoadSpec {
  url: string;
  connections: number;
  durationMs: number;
  warmupMs?: number;
  method?: string;
  headers: Record<string, string>;
  body: string;
  /** Header set to `<prefix>-<n>` on every request, so each one is a distinct delivery (no dedupe shortcut). */
  uniqueHeader?: string;
}

/** What a run measured: throughput, latency percentiles (ms), status counts. */
export interface LoadResult {
  requests: number;
  durationMs: number;
  rps: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  statuses: Record<string, number>;
  errors: number;
}

function once(spec: LoadSpec, agent: Agent, n: number): Promise<{ status: number; ms: number }> {
  const t0 = process.hrtime.bigint();
  const headers: Record<string, string> = { ...spec.headers, 'content-length': String(Buffer.byteLength(spec.body)) };
  if (spec.uniqueHeader) headers[spec.uniqueHeader] = `bench-${process.pid}-${n}`;
  return new Promise((resolve, reject) => {
    const req = request(spec.url, { method: spec.method ?? 'POST', agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(spec.body);
  });
}

/** Drive the load and return the figures of the measured window (the warm-up is discarded). */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: spec.connections });
  let n = 0;
  const drive = async (until: number, sink?: { lat: number[]; statuses: Record<string, number>; errors: number }) => {
    while (performance.now() < until) {
      try {
        const r = await once(spec, agent, n++);
        if (sink) {
          sink.lat.push(r.ms);
          sink.statuses[r.status] = (sink.statuses[r.status] ?? 0) + 1;
        }
      } catch {
        if (sink) sink.errors++; // a reset or refused connection counts as an error and the loop goes on
      }
    }
  };
  const all = (until: number, sink?: Parameters<typeof drive>[1]) => Promise.all(Array.from({ length: spec.connections }, () => drive(until, sink)));
  if (spec.warmupMs) await all(performance.now() + spec.warmupMs);
  const sink = { lat: [] as number[], statuses: {} as Record<string, number>, errors: 0 };
  const start = performance.now();
  await all(start + spec.durationMs, sink);
  const durationMs = performance.now() - start;
  agent.destroy();
  const lat = sink.lat;
  return {
    requests: lat.length,
    durationMs: Math.round(durationMs),
    rps: r1(lat.length / (durationMs / 1000)),
    latencyMs: { p50: r1(percentile(lat, 50)), p90: r1(percentile(lat, 90)), p99: r1(percentile(lat, 99)), max: r1(percentile(lat, 100)), mean: r1(lat.reduce((a, b) => a + b, 0) / Math.max(1, lat.length)) },
    statuses: sink.statuses,
    errors: sink.errors,
  };
}

// As a child process: the spec arrives as JSON in argv[2], the result leaves as one JSON line on stdout.
if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  runLoad(JSON.parse(process.argv[2]!) as LoadSpec).then(
    (r) => process.stdout.write(JSON.stringify(r) + '\n'),
    (e: unknown) => {
      process.stderr.write(`load-client: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
