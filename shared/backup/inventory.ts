import type { OssObjectInfo } from '#shared/cloud/oss/index';
import { backupTimeOf } from './run-name';
import { prefixDir } from './script/index';

/** One backup found on OSS. */
export interface BackupOnOss {
  name: string;
  time: Date;
  /** Archive + config bytes. */
  size: number;
  hasArchive: boolean;
  /** The host's manifest exists (the host verified its copy). */
  hasManifest: boolean;
  /** Our independent verified record exists. */
  hasRecord: boolean;
}

/** Key of the verified record of a run: `<prefix>/verified/<name>.json`, next to the backups. */
export function verifiedRecordKey(ossPrefix: string, name: string): string {
  const dir = prefixDir(ossPrefix);
  return `${dir ? `${dir}/` : ''}verified/${name}.json`;
}

const FILE_RE = /^(\d{10}[0-9A-Za-z_.-]*?)_gitlab_(backup\.tar|backup\.manifest\.json|config\.tar)$/;
const RECORD_RE = /^verified\/(\d{10}[0-9A-Za-z_.-]*)\.json$/;

/** Group the objects under the backup prefix into backups, newest first. Foreign objects are ignored. */
export function inventoryBackups(objects: readonly OssObjectInfo[], ossPrefix: string): BackupOnOss[] {
  const dir = prefixDir(ossPrefix);
  const by = new Map<string, BackupOnOss>();
  const get = (name: string): BackupOnOss | undefined => {
    const time = backupTimeOf(name);
    if (!time) return undefined;
    let b = by.get(name);
    if (!b) by.set(name, (b = { name, time, size: 0, hasArchive: false, hasManifest: false, hasRecord: false }));
    return b;
  };
  for (const o of objects) {
    const rel = dir ? (o.key.startsWith(`${dir}/`) ? o.key.slice(dir.length + 1) : undefined) : o.key;
    if (rel === undefined) continue;
    const rec = RECORD_RE.exec(rel);
    if (rec) {
      const b = get(rec[1]!);
      if (b) b.hasRecord = true;
      continue;
    }
    const m = FILE_RE.exec(rel);
    if (!m || rel.includes('/')) continue;
    const b = get(m[1]!);
    if (!b) continue;
    if (m[2] === 'backup.tar') b.hasArchive = true;
    if (m[2] === 'backup.manifest.json') b.hasManifest = true;
    if (m[2] !== 'backup.manifest.json') b.size += o.size;
  }
  return [...by.values()].sort((a, b) => b.time.getTime() - a.time.getTime());
}
