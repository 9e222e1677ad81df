/**
 * Secret redaction for logs, mails and error messages. Two layers:
 * - keys that look secret (`token`, `secret`, `password`, `authorization`, ...) have their values replaced;
 * - values registered with `registerSecret` (config secrets, STS tokens) are scrubbed from any string, wherever they
 *   appear (an error message that echoes a URL with a token, say).
 */
const SECRET_KEY = /(token|secret|passw(or)?d|authorization|signature|credential|private.?key|kube.?config|access.?key.?secret|security.?token|cookie)/i;
// Keys that match the pattern above but carry no secret material.
const SAFE_KEYS = new Set(['tokenExpiresAt', 'secretName', 'imagePullSecrets', 'secretRef', 'hasToken']);

export const REDACTED = '[REDACTED]';

const registered = new Set<string>();

/** Remember a secret value so `scrub` removes it from any text. Values shorter than 6 chars are ignored (too noisy). */
export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 6) registered.add(value);
}

/** Forget all registered secrets (tests). */
export function clearRegisteredSecrets(): void {
  registered.clear();
}

/** Replace every registered secret value inside `text`. */
export function scrub(text: string): string {
  let out = text;
  for (const s of registered) if (out.includes(s)) out = out.split(s).join(REDACTED);
  return out;
}

/** True when a key name looks like it holds a secret. */
export function isSecretKey(key: string): boolean {
  return !SAFE_KEYS.has(key) && SECRET_KEY.test(key);
}

/** Deeper structures are cut here (a log line or a result is never that deep; a hostile payload could be). */
export const MAX_REDACT_DEPTH = 64;

/**
 * Deep copy of `value` with secret-looking keys and registered secret values replaced. Cycles become "[Circular]" (an
 * object shared by two branches is copied in both), anything nested deeper than MAX_REDACT_DEPTH "[Truncated]"; Dates
 * stay Dates (JSON turns them into ISO strings).
 */
export function redact(value: unknown, seen = new WeakSet<object>(), depth = 0): unknown {
  if (typeof value === 'string') return scrub(value);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value;
  if (depth >= MAX_REDACT_DEPTH) return '[Truncated]';
  if (seen.has(value)) return '[Circular]';
  // `seen` holds the ancestors only: an object reached twice through different paths (a shared array) is copied twice.
  seen.add(value);
  try {
    return copy(value, (v) => redact(v, seen, depth + 1));
  } finally {
    seen.delete(value);
  }
}

function copy(value: object, next: (v: unknown) => unknown): unknown {
  if (value instanceof Error) {
    const e = value as Error & { code?: unknown; status?: unknown; details?: unknown };
    return {
      name: e.name,
      message: scrub(e.message),
      ...(e.code !== undefined ? { code: e.code } : {}),
      ...(e.status !== undefined ? { status: e.status } : {}),
      ...(e.details !== undefined ? { details: next(e.details) } : {}),
      ...(e.cause !== undefined ? { cause: next(e.cause) } : {}),
    };
  }
  if (Buffer.isBuffer(value)) return `<Buffer ${value.length} bytes>`;
  if (Array.isArray(value)) return value.map(next);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = isSecretKey(k) && v !== undefined && v !== null && v !== '' ? REDACTED : next(v);
  }
  return out;
}

/** `text` cut to at most `max` UTF-16 units (never inside a surrogate pair), with "…" when something was cut. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  const c = text.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--; // keep an emoji whole rather than half of it
  return `${text.slice(0, end)}…`;
}
