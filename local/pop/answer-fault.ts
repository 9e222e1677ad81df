import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Faults } from '#local/sandbox/faults';
import { sendJson } from '#local/sandbox/http-util';
import { newRequestId, PopError, popErrorBody } from './pop-error';

/**
 * Apply the first matching fault rule (key = RPC Action or ROA path). A rule whose `body` carries a `Code` answers as
 * a real POP error (RequestId, HostId, Recommend filled in). Returns true when the fault answered (or reset) the call.
 */
export async function answerFault(faults: Faults, req: IncomingMessage, res: ServerResponse, key: string, hostId: string): Promise<boolean> {
  const rule = faults.match(req.method ?? 'GET', key);
  if (!rule) return false;
  if (rule.latencyMs) await new Promise((r) => setTimeout(r, rule.latencyMs));
  if (rule.reset) {
    req.socket.destroy();
    return true;
  }
  if (rule.status === undefined) return false;
  const b = rule.body as { Code?: string; Message?: string } | string | undefined;
  if (b && typeof b === 'object' && b.Code) {
    const requestId = newRequestId();
    const body = { ...popErrorBody(new PopError(rule.status, b.Code, b.Message ?? b.Code), requestId, hostId), ...b, RequestId: requestId };
    sendJson(res, rule.status, body, { 'x-acs-request-id': requestId, ...rule.headers });
  } else {
    res.writeHead(rule.status, { 'content-type': 'application/json', ...rule.headers });
    res.end(typeof b === 'string' ? b : JSON.stringify(b ?? { message: 'injected fault' }));
  }
  return true;
}
