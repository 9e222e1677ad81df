import { parseCiYaml, type ParsedCiFile } from './parse-ci-yaml';

/** Entries kept; least recently used go first. Bounded by count and by the bytes of the source texts. */
const MAX_ENTRIES = 512;
const MAX_BYTES = 16 * 1024 * 1024;

const cache = new Map<string, ParsedCiFile>();
let bytes = 0;

/**
 * `parseCiYaml` with a content-keyed LRU cache. YAML parsing is most of discovery's CPU cost (~1 ms per KB with the
 * `yaml` package), and a warm FC instance sees the same templates and shared includes for every project.
 * Results are deep-frozen because they are shared; discovery never mutates parsed values. Failures are not cached.
 */
export function parseCiYamlCached(text: string, file: string): ParsedCiFile {
  const hit = cache.get(text);
  if (hit) {
    cache.delete(text); // refresh LRU position
    cache.set(text, hit);
    return hit;
  }
  const parsed = deepFreeze(parseCiYaml(text, file));
  if (text.length <= MAX_BYTES / 4) {
    cache.set(text, parsed);
    bytes += text.length;
    for (const [k] of cache) {
      if (cache.size <= MAX_ENTRIES && bytes <= MAX_BYTES) break;
      cache.delete(k);
      bytes -= k.length;
    }
  }
  return parsed;
}

/** Drop every cached parse (benchmarks measure cold parsing with it). */
export function clearParseCache(): void {
  cache.clear();
  bytes = 0;
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}
