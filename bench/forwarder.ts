import { Agent, request } from 'node:http';
import { listen, readBody, type Listening } from '#local/sandbox/http-util';

/**
 * The baseline the webhook is compared with: the least a hand-off can cost in node. Per request the forwarder reads
 * the body, POSTs it to a local sink over a keep-alive agent and answers 202 once the sink has answered — the shape
 * of "receive a hook, enqueue it, ack", without verification, dedupe, signing or FC semantics.
 */
export async function startForwarder(): Promise<{ url: string; close(): Promise<void> }> {
  const sink: Listening = await listen(async (req, res) => {
    await readBody(req);
    res.writeHead(202, { 'content-length': '0' }).end();
  });
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const fwd: Listening = await listen(async (req, res) => {
    const body = await readBody(req);
    await new Promise<void>((resolve, reject) => {
      const out = request(`${sink.url}/enqueue`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': String(body.length) } }, (r) => {
        r.resume();
        r.on('end', resolve);
        r.on('error', reject);
      });
      out.on('error', reject);
      out.end(body);
    });
    res.writeHead(202, { 'content-length': '0' }).end();
  });
  return {
    url: fwd.url,
    close: async () => {
      agent.destroy();
      await Promise.all([fwd.close(), sink.close()]);
    },
  };
}
