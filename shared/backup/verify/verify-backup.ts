import type { OssPort } from '#shared/cloud/oss/index';
import type { BackupManifest } from '../script/index';

/** How one object checked out. */
export interface VerifiedFile {
  key: string;
  kind: 'archive' | 'config' | 'manifest';
  size: number;
  lastModified: string;
  etag: string;
  crc64?: string;
  /** `match` when the bytes on OSS hash to the manifest's sha256; `size-only` when too big to read back. */
  sha256: 'match' | 'size-only';
}

export interface VerifyOptions {
  /** Keys the host reported (result line). */
  keys: { archive: string; manifest: string; config: string };
  /** The run window: objects must have been written within it (± skew). */
  window: { from: Date; to: Date };
  /** Read back and sha256 objects up to this size (default 256 MiB); larger ones are checked by size + CRC64. */
  hashMaxBytes?: number;
  /** Clock skew allowed between the host, OSS and us (default 5 min). */
  skewMs?: number;
}

export interface VerifyOutcome {
  ok: boolean;
  problems: string[];
  files: VerifiedFile[];
  manifest?: BackupManifest;
}

/**
 * Verify a backup independently of the host, through OSS only: the manifest exists and parses, each file it lists
 * exists with the manifest's size, was written within the run window (a stale object from an older run is not
 * tonight's backup), and — where OSS lets us — has the manifest's checksum (a stored `sha256` metadata value, or the
 * bytes read back for objects up to `hashMaxBytes`). CRC64 from OSS is recorded so later checks can detect changes.
 */
export async function verifyBackup(oss: OssPort, o: VerifyOptions): Promise<VerifyOutcome> {
  const problems: string[] = [];
  const files: VerifiedFile[] = [];
  const skew = o.skewMs ?? 5 * 60_000;
  const from = o.window.from.getTime() - skew;
  const to = o.window.to.getTime() + skew;
  const inWindow = (key: string, d: Date): boolean => {
    if (d.getTime() >= from && d.getTime() <= to) return true;
    problems.push(`${key} is stale: last modified ${d.toISOString()}, outside the run window ${o.window.from.toISOString()} – ${o.window.to.toISOString()}`);
    return false;
  };

  const mHead = await oss.head(o.keys.manifest);
  const text = mHead ? await oss.getText(o.keys.manifest) : undefined;
  if (!mHead || text === undefined) return { ok: false, problems: [`manifest ${o.keys.manifest} is missing on OSS`], files };
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(text) as BackupManifest;
    if (manifest.schema !== 'gitlab-ask-ops/backup-manifest@1' || !Array.isArray(manifest.files)) throw new Error('unknown schema');
  } catch (e) {
    return { ok: false, problems: [`manifest ${o.keys.manifest} does not parse: ${(e as Error).message}`], files };
  }
  inWindow(o.keys.manifest, mHead.lastModified);
  files.push({ key: o.keys.manifest, kind: 'manifest', size: mHead.size, lastModified: mHead.lastModified.toISOString(), etag: mHead.etag, ...(mHead.crc64 ? { crc64: mHead.crc64 } : {}), sha256: 'size-only' });

  for (const kind of ['archive', 'config'] as const) {
    const key = o.keys[kind];
    const want = manifest.files.find((f) => f.kind === kind);
    if (!want) {
      problems.push(`manifest lists no ${kind} file`);
      continue;
    }
    if (!key.endsWith(`/${want.name}`) && key !== want.name) problems.push(`${kind}: host reported ${key}, manifest names ${want.name}`);
    const h = await oss.head(key);
    if (!h) {
      problems.push(`${kind} ${key} is missing on OSS`);
      continue;
    }
    if (h.size !== want.size) problems.push(`${kind} ${key} has ${h.size} bytes on OSS, the manifest says ${want.size}`);
    inWindow(key, h.lastModified);
    let sha: VerifiedFile['sha256'] = 'size-only';
    const stored = h.meta.sha256;
    if (stored && stored !== want.sha256) problems.push(`${kind} ${key}: stored sha256 metadata differs from the manifest`);
    if (h.size === want.size && h.size <= (o.hashMaxBytes ?? 256 * 1024 * 1024)) {
      const got = await oss.sha256(key);
      if (got === want.sha256) sha = 'match';
      else problems.push(`${kind} ${key}: sha256 on OSS ${got ?? '(unreadable)'} differs from the manifest ${want.sha256}`);
    } else if (stored === want.sha256) sha = 'match';
    files.push({ key, kind, size: h.size, lastModified: h.lastModified.toISOString(), etag: h.etag, ...(h.crc64 ? { crc64: h.crc64 } : {}), sha256: sha });
  }
  return { ok: problems.length === 0, problems, files, manifest };
}
