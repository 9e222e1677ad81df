import type { OssObjectInfo, OssPort } from '#shared/cloud/oss/index';
import { backupTimeOf, labelOf } from './run-name';
import { prefixDir } from './script/index';

/** One backup found on OSS: its objects grouped by run name. */
export interface BackupOnOss {
  name: string;
  /** When the run started (the name's epoch; used for ordering only — ages come from verified records). */
  time: Date;
  /** Label from the name (`…_pre-upgrade-k3f9`); records and manifests carry it too. */
  label?: string;
  /** Archive + config bytes. */
  size: number;
  hasArchive: boolean;
  hasConfig: boolean;
  /** The host's manifest exists (the host checked its own copy). */
  hasManifest: boolean;
  /** Our verified record exists (`verified/<name>.json`): the worker checked it on OSS. */
  hasRecord: boolean;
  /** A restore drill's report is stored beside the record (`verified/<name>.drill.json`, docs/adr/0026). */
  hasDrill?: boolean;
  /** Every object key of the backup, record first (the order retention deletes them in). */
  keys: string[];
}

/** A temp copy (`.<file>.partial`) a failed copy left on the mount. */
export interface PartialOnOss {
  key: string;
  size: number;
  lastModified: Date;
}

/** Objects under the backup prefix, grouped. */
export interface Inventory {
  /** Newest first. */
  backups: BackupOnOss[];
  partials: PartialOnOss[];
  /** Run records (`runs/<digest>.json`) with their write time. */
  runRecords: Array<{ key: string; lastModified: Date }>;
}

const dirOf = (ossPrefix: string): string => {
  const d = prefixDir(ossPrefix);
  return d ? `${d}/` : '';
};

/** Key of the verified record of a run: `<prefix>verified/<name>.json`, next to the backups. */
export function verifiedRecordKey(ossPrefix: string, name: string): string {
  return `${dirOf(ossPrefix)}verified/${name}.json`;
}

/** The list prefix of the backups (`gitlab-backups/`, or '' for the bucket root). */
export function listPrefix(ossPrefix: string): string {
  return dirOf(ossPrefix);
}

/** Where a backup's objects are: the data prefix (archive, manifest, records) and the /etc/gitlab archives' prefix. */
export interface BackupPrefixes {
  ossPrefix: string;
  /**
   * BACKUP_CONFIG_PREFIX (docs/adr/0022); `undefined`: config archives only next to the data (before 0022). Required
   * so no caller forgets it: a listing without it sees no config archive and counts no backup as verified.
   */
  configPrefix: string | undefined;
}

/** List every object of the backups: the data prefix and, when set, the config prefix (one LIST each). */
export async function listBackupObjects(oss: Pick<OssPort, 'list'>, p: BackupPrefixes): Promise<OssObjectInfo[]> {
  const data = await oss.list(listPrefix(p.ossPrefix));
  if (p.configPrefix === undefined) return data;
  const conf = listPrefix(p.configPrefix);
  // A config prefix inside the data prefix (or the bucket root) is already in the first listing.
  if (conf.startsWith(listPrefix(p.ossPrefix))) return data;
  return [...data, ...(await oss.list(conf))];
}

/**
 * A backup counts as verified only when our record and every file it names are on OSS. An unverified backup never
 * counts toward BACKUP_KEEP_MIN (docs/adr/0016).
 */
export function isVerified(b: BackupOnOss): boolean {
  return b.hasRecord && b.hasArchive && b.hasConfig && b.hasManifest;
}

const FILE_RE = /^(\d{10}[0-9A-Za-z_.-]*?)_gitlab_(backup\.tar|backup\.manifest\.json|config\.tar)$/;
const RECORD_RE = /^verified\/(\d{10}[0-9A-Za-z_.-]*)\.json$/;
const DRILL_RE = /^verified\/(\d{10}[0-9A-Za-z_.-]*?)\.drill\.json$/;
const PARTIAL_RE = /^\.\d{10}[0-9A-Za-z_.-]*_gitlab_(backup\.tar|backup\.manifest\.json|config\.tar)\.partial$/;
const RUN_RE = /^runs\/[0-9a-f]+\.json$/;
const CONFIG_RE = /^(\d{10}[0-9A-Za-z_.-]*?)_gitlab_config\.tar$/;

/**
 * Group the objects under the backup prefix into backups (newest first), partial copies and run records. A backup's
 * /etc/gitlab archive counts from the config prefix (docs/adr/0022) or, for older backups, next to the data.
 */
export function inventory(objects: readonly OssObjectInfo[], prefixes: BackupPrefixes): Inventory {
  const { ossPrefix, configPrefix } = prefixes;
  const dir = dirOf(ossPrefix);
  const confDir = configPrefix === undefined ? undefined : dirOf(configPrefix);
  const by = new Map<string, BackupOnOss & { byKind: Record<string, string[]> }>();
  const partials: PartialOnOss[] = [];
  const runRecords: Inventory['runRecords'] = [];
  const get = (name: string): (BackupOnOss & { byKind: Record<string, string[]> }) | undefined => {
    const time = backupTimeOf(name);
    if (!time) return undefined;
    let b = by.get(name);
    const label = labelOf(name);
    if (!b) by.set(name, (b = { name, time, ...(label ? { label } : {}), size: 0, hasArchive: false, hasConfig: false, hasManifest: false, hasRecord: false, keys: [], byKind: {} }));
    return b;
  };
  const add = (b: BackupOnOss & { byKind: Record<string, string[]> }, kind: string, key: string): void => void (b.byKind[kind] = [...(b.byKind[kind] ?? []), key]);
  const seen = new Set<string>();
  for (const o of objects) {
    if (seen.has(o.key)) continue;
    seen.add(o.key);
    // Under both prefixes (one inside the other), the deeper one owns the key.
    if (confDir !== undefined && confDir !== dir && o.key.startsWith(confDir) && !(o.key.startsWith(dir) && dir.length > confDir.length)) {
      const rel = o.key.slice(confDir.length);
      const c = CONFIG_RE.exec(rel);
      const b = c ? get(c[1]!) : undefined;
      if (b) {
        b.hasConfig = true;
        b.size += o.size;
        add(b, 'config.tar', o.key);
      }
      if (PARTIAL_RE.test(rel)) partials.push({ key: o.key, size: o.size, lastModified: o.lastModified });
      continue;
    }
    if (!o.key.startsWith(dir)) continue;
    const rel = o.key.slice(dir.length);
    const drill = DRILL_RE.exec(rel);
    if (drill) {
      const b = get(drill[1]!);
      if (b) {
        b.hasDrill = true;
        add(b, 'drill', o.key);
      }
      continue;
    }
    const rec = RECORD_RE.exec(rel);
    if (rec) {
      const b = get(rec[1]!);
      if (b) {
        b.hasRecord = true;
        add(b, 'record', o.key);
      }
      continue;
    }
    if (RUN_RE.test(rel)) runRecords.push({ key: o.key, lastModified: o.lastModified });
    if (PARTIAL_RE.test(rel)) partials.push({ key: o.key, size: o.size, lastModified: o.lastModified });
    const m = FILE_RE.exec(rel);
    if (!m || rel.includes('/')) continue;
    const b = get(m[1]!);
    if (!b) continue;
    add(b, m[2]!, o.key);
    if (m[2] === 'backup.tar') b.hasArchive = true;
    if (m[2] === 'config.tar') b.hasConfig = true;
    if (m[2] === 'backup.manifest.json') b.hasManifest = true;
    else b.size += o.size;
  }
  const backups = [...by.values()].map(({ byKind, ...b }) => ({
    ...b,
    // Record first: a half-deleted backup must never look verified; its drill report goes with it.
    keys: ['record', 'drill', 'backup.manifest.json', 'backup.tar', 'config.tar'].flatMap((k) => byKind[k] ?? []),
  }));
  return { backups: backups.sort((a, b) => b.time.getTime() - a.time.getTime() || (a.name < b.name ? 1 : -1)), partials, runRecords };
}

/** The backups of `inventory`, newest first (shorthand). */
export function inventoryBackups(objects: readonly OssObjectInfo[], prefixes: BackupPrefixes): BackupOnOss[] {
  return inventory(objects, prefixes).backups;
}
