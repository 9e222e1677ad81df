/**
 * Tags that move: `latest`, no tag at all, or a branch-like word (`main`, `x86_64-latest`, `edge`, …). A cache made
 * from them goes stale when the tag is pushed again — ECI does not refresh it ("Pushing a new image under
 * the same tag does not refresh an existing cache",
 * https://help.aliyun.com/en/cs/user-guide/automate-image-cache-creation-with-image-cache-operator). Digests never move.
 */
const MOVING = /(^|[-_.])(latest|main|master|develop|dev|edge|nightly|stable|head|trunk|snapshot|canary|rolling)([-_.]|$)/i;

/** True when the reference can point at different content over time. */
export function isMutableRef(image: string): boolean {
  if (image.includes('@sha256:')) return false;
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  if (colon < 0) return true;
  return MOVING.test(image.slice(colon + 1));
}
