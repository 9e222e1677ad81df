import type { Config } from '#shared/config/index';
import { AppError } from '#shared/errors/index';
import { bodyBytes, header, method, type FcHttpEvent } from '#shared/runtime/index';
import { verifyGitlabToken } from './verify-gitlab-token';

/** A delivery that passed the edge checks: its event header and parsed JSON object. */
export interface CheckedDelivery {
  headerEvent: string;
  payload: Record<string, unknown>;
}

const isJson = (ct: string | undefined): boolean => ct?.split(';')[0]?.trim().toLowerCase() === 'application/json';

/**
 * The edge checks in their fixed order (ADR 0004, decision 6): method (405) → content type (415) → body size (413)
 * → token (401; nothing else is looked at before it passes, and the body is never parsed) → X-Gitlab-Event (400) →
 * JSON object (400). Throws the AppError of the first failed check.
 */
export function checkDelivery(ev: FcHttpEvent, config: Config): CheckedDelivery {
  if (method(ev) !== 'POST') throw new AppError('METHOD_NOT_ALLOWED', 'only POST is accepted', { status: 405 });
  if (!isJson(header(ev, 'Content-Type'))) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json', { status: 415 });
  }
  const body = bodyBytes(ev);
  const max = config.env.WEBHOOK_MAX_BODY_BYTES;
  if (body.length > max) throw new AppError('PAYLOAD_TOO_LARGE', `body over ${max} bytes`, { status: 413 });
  const env = config.env;
  if (!verifyGitlabToken(header(ev, 'X-Gitlab-Token'), env.WEBHOOK_SECRET, env.WEBHOOK_SECRET_PREVIOUS)) {
    throw new AppError('WEBHOOK_AUTH', 'missing or wrong X-Gitlab-Token', { status: 401 });
  }
  const headerEvent = header(ev, 'X-Gitlab-Event')?.trim();
  if (!headerEvent) throw new AppError('EVENT_INVALID', 'missing header: X-Gitlab-Event', { status: 400 });
  let payload: unknown;
  try {
    payload = JSON.parse(body.toString('utf8'));
  } catch {
    // No `cause`: V8's SyntaxError quotes part of the body, and bodies never reach logs.
    throw new AppError('BAD_JSON', 'body is not valid JSON', { status: 400 });
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new AppError('BAD_JSON', 'body must be a JSON object', { status: 400 });
  }
  return { headerEvent, payload: payload as Record<string, unknown> };
}
