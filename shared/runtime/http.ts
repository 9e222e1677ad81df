import type { AppError } from '#shared/errors/index';
import type { FcHttpEvent, FcHttpResponse } from './fc-types';

/** Case-insensitive header lookup (FC keeps the sender's case). */
export function header(ev: FcHttpEvent, name: string): string | undefined {
  const h = ev.headers;
  if (!h) return undefined;
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(h)) if (k.toLowerCase() === want) return v;
  return undefined;
}

/** The raw body bytes, decoding base64 when FC marked it so. */
export function bodyBytes(ev: FcHttpEvent): Buffer {
  const b = ev.body ?? '';
  return ev.isBase64Encoded ? Buffer.from(b, 'base64') : Buffer.from(b, 'utf8');
}

/** HTTP method from the request context (upper case). */
export function method(ev: FcHttpEvent): string {
  return (ev.requestContext?.http?.method ?? 'GET').toUpperCase();
}

/** A JSON response. */
export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): FcHttpResponse {
  return { statusCode, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) };
}

/** Map an AppError to a JSON error response (no cause, no secrets). */
export function errorResponse(e: AppError, extra: Record<string, unknown> = {}): FcHttpResponse {
  return json(e.status, { error: { code: e.code, message: e.message }, ...extra });
}
