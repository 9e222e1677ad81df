import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from './http-util';
import type { FaultRegistry, FaultSettings } from './named-faults';

/**
 * The named-fault API of the index page (what `npm run -s ops -- sandbox fault` talks to):
 * - `GET /faults` → `{ faults: [{ name, description, argHelp?, active, remaining?, arg?, since? }] }`
 * - `POST /faults/<name>` with `{ "times"?: N, "arg"?: "…" }` → the fault's new state (400 for bad input)
 * - `DELETE /faults/<name>` clears one, `DELETE /faults` clears all.
 * Returns false when the path is not under /faults.
 */
export async function handleFaultRoute(faults: FaultRegistry, req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
  const m = /^\/faults(?:\/([A-Za-z0-9-]+))?\/?$/.exec(path);
  if (!m) return false;
  const name = m[1];
  const method = req.method ?? 'GET';
  try {
    if (method === 'GET' && !name) sendJson(res, 200, { faults: faults.list() });
    else if (method === 'POST' && name) sendJson(res, 200, faults.set(name, await settings(req)));
    else if (method === 'DELETE') {
      faults.clear(name);
      sendJson(res, 200, { faults: faults.list() });
    } else sendJson(res, 405, { message: 'GET /faults, POST /faults/<name>, DELETE /faults[/<name>]' });
  } catch (e) {
    sendJson(res, 400, { message: e instanceof Error ? e.message : String(e) });
  }
  return true;
}

async function settings(req: IncomingMessage): Promise<FaultSettings> {
  const text = (await readBody(req, 64 * 1024)).toString('utf8').trim();
  if (!text) return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new Error('body must be JSON: {"times"?: N, "arg"?: "…"}');
  }
  const o = (v ?? {}) as Record<string, unknown>;
  const bad = Object.keys(o).filter((k) => k !== 'times' && k !== 'arg');
  if (bad.length) throw new Error(`unknown field(s) ${bad.join(', ')}; allowed: times, arg`);
  if (o.times !== undefined && typeof o.times !== 'number') throw new Error('times must be a number');
  if (o.arg !== undefined && typeof o.arg !== 'string') throw new Error('arg must be a string');
  return { ...(o.times !== undefined ? { times: o.times as number } : {}), ...(o.arg !== undefined ? { arg: o.arg as string } : {}) };
}
