import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError } from '#shared/errors/index';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * Check `X-Gitlab-Token` against the current secret and, while rotating, the previous one. GitLab sends the shared
 * secret as-is (it has no HMAC signature header: gitlabhq app/services/web_hook_service.rb `build_headers`), so
 * compare in constant time: SHA-256 both sides first, because `timingSafeEqual` needs equal lengths and comparing
 * raw lengths would leak the secret's.
 * Every configured secret is compared (no early exit). No current secret configured → CONFIG_INVALID (fail closed).
 *
 * @example
 * if (!verifyGitlabToken(header(ev, 'X-Gitlab-Token'), env.WEBHOOK_SECRET, env.WEBHOOK_SECRET_PREVIOUS)) → 401
 */
export function verifyGitlabToken(given: string | undefined, current: string | undefined, previous?: string): boolean {
  if (!current) throw new AppError('CONFIG_INVALID', 'WEBHOOK_SECRET is not set: refusing every delivery', { status: 500 });
  const got = digest(given ?? '');
  let ok = timingSafeEqual(got, digest(current));
  if (previous) ok = timingSafeEqual(got, digest(previous)) || ok;
  return ok && given !== undefined && given !== '';
}
