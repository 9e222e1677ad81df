import type { IncomingMessage, ServerResponse } from 'node:http';

/** The body passed `limit` bytes (declared or while streaming); nothing beyond the limit was buffered. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`payload size exceeds maximum allowed size (${limit} bytes)`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * Read a request body, refusing it as soon as it is known to pass `limit`: a declared Content-Length over it before
 * any byte is read, a chunked body at the first chunk that crosses it. The request is paused, not drained, so the
 * caller answers and closes the connection (`closeAfter`) instead of buffering the rest.
 */
export function readBodyLimited(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new BodyTooLargeError(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const off = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onData = (c: Buffer): void => {
      size += c.length;
      if (size > limit) {
        off();
        req.pause();
        return reject(new BodyTooLargeError(limit));
      }
      chunks.push(c);
    };
    const onEnd = (): void => {
      off();
      resolve(Buffer.concat(chunks));
    };
    const onError = (e: Error): void => {
      off();
      reject(e);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

/** Send `body` as the final answer on this connection: `Connection: close`, then the socket ends after the write. */
export function closeAfter(res: ServerResponse, status: number, body: string, headers: Record<string, string>): void {
  res.shouldKeepAlive = false;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), connection: 'close', ...headers });
  res.end(body, () => res.socket?.destroySoon());
}
