// The reference grammar of distribution/reference (reference.go), which containerd and the kubelet use.
const ALNUM = '[a-z0-9]+';
const SEP = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALNUM}(?:${SEP}${ALNUM})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^(?:(${DOMAIN})/)?(${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const NAME_TOTAL_MAX = 255;

/**
 * The form we dedupe on: trimmed, otherwise exactly as the user wrote it — `alpine` stays `alpine` (the ECI
 * ImageCache and the kubelet both accept the short form, and rewriting it would hide what the job asked for).
 */
export function normalizeImageRef(ref: string): string {
  return ref.trim();
}

/** Why `ref` is not a valid image reference, or `undefined` when it is. */
export function imageRefProblem(ref: string): string | undefined {
  if (ref === '') return 'empty image name';
  // Longer than name (255) + tag (128) + digest could ever be; also keeps the regex away from huge inputs.
  if (ref.length > 1024) return 'image reference longer than 1024 characters';
  if (/\s/.test(ref)) return 'image reference contains whitespace';
  const m = REFERENCE.exec(ref);
  if (!m) return /[A-Z]/.test(ref.split('/').slice(1).join('/') || ref) ? 'repository name must be lowercase' : 'not a valid image reference';
  const name = (m[1] ? `${m[1]}/` : '') + m[2]!;
  if (name.length > NAME_TOTAL_MAX) return `repository name longer than ${NAME_TOTAL_MAX} characters`;
  return undefined;
}

/** True when `ref` parses as `[domain[:port]/]path[:tag][@digest]`. */
export function isValidImageRef(ref: string): boolean {
  return imageRefProblem(ref) === undefined;
}
