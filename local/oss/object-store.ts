import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync, renameSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { crc64 } from './crc64';

/** One stored object as the emulator serves it. */
export interface StoredObject {
  key: string;
  size: number;
  lastModified: Date;
  /** Quoted upper-case MD5 hex, as OSS prints ETags of simple uploads. */
  etag: string;
  crc64: string;
  contentType: string;
  /** `x-oss-meta-*` values (without the prefix), from PUT; files written through the ossfs mount have none. */
  meta: Record<string, string>;
}

interface Sidecar {
  contentType: string;
  meta: Record<string, string>;
}

/**
 * Objects of one bucket as plain files under `dir` (key `a/b.tar` = file `dir/a/b.tar`), so the ECS emulator's
 * stand-in ossfs mount sees the same bytes. Content type and user metadata of API uploads live in a sidecar tree
 * outside `dir`; digests are cached per (size, mtime) because big archives are hashed once.
 */
export class BucketStore {
  private digests = new Map<string, { stamp: string; etag: string; crc64: string }>();

  constructor(
    readonly name: string,
    readonly dir: string,
    private readonly metaDir: string,
  ) {
    mkdirSync(dir, { recursive: true });
    mkdirSync(metaDir, { recursive: true });
  }

  /** Every key, sorted (OSS lists in UTF-8 byte order; ASCII keys sort the same). Partial uploads are skipped. */
  keys(): string[] {
    const out: string[] = [];
    const walk = (d: string): void => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.isFile() || e.isSymbolicLink()) out.push(relative(this.dir, p).split(sep).join('/'));
      }
    };
    if (existsSync(this.dir)) walk(this.dir);
    return out.sort((a, b) => (Buffer.compare(Buffer.from(a), Buffer.from(b))));
  }

  /** The object's attributes, or undefined when it does not exist. */
  stat(key: string): StoredObject | undefined {
    const file = this.file(key);
    if (!file) return undefined;
    let st;
    try {
      st = statSync(file);
    } catch {
      // Vanished between listing and stat (a prune on the mount): the same as absent.
      return undefined;
    }
    if (!st.isFile()) return undefined;
    const stamp = `${st.size}:${st.mtimeMs}`;
    let d = this.digests.get(key);
    if (!d || d.stamp !== stamp) {
      const body = readFileSync(file);
      d = { stamp, etag: `"${createHash('md5').update(body).digest('hex').toUpperCase()}"`, crc64: crc64(body) };
      this.digests.set(key, d);
    }
    const side = this.sidecar(key);
    return {
      key,
      size: st.size,
      // OSS keeps second precision in Last-Modified.
      lastModified: new Date(Math.floor(st.mtimeMs / 1000) * 1000),
      etag: d.etag,
      crc64: d.crc64,
      contentType: side?.contentType ?? 'application/octet-stream',
      meta: side?.meta ?? {},
    };
  }

  read(key: string): Buffer | undefined {
    const file = this.file(key);
    return file && existsSync(file) && statSync(file).isFile() ? readFileSync(file) : undefined;
  }

  write(key: string, body: Buffer, contentType: string, meta: Record<string, string>): StoredObject {
    const file = this.file(key);
    if (!file) throw new Error(`invalid key ${key}`);
    mkdirSync(dirname(file), { recursive: true });
    // Write then rename: a concurrent reader (the mount) never sees half an object, as with real OSS.
    const tmp = `${file}.oss-emu-${process.pid}-${Date.now()}`;
    writeFileSync(tmp, body);
    renameSync(tmp, file);
    const side = join(this.metaDir, `${key}.json`);
    mkdirSync(dirname(side), { recursive: true });
    writeFileSync(side, JSON.stringify({ contentType, meta } satisfies Sidecar));
    return this.stat(key)!;
  }

  /** Delete; OSS answers 204 whether or not the key existed. */
  remove(key: string): void {
    const file = this.file(key);
    if (!file) return;
    rmSync(file, { force: true });
    rmSync(join(this.metaDir, `${key}.json`), { force: true });
    this.digests.delete(key);
  }

  /** Path of a key inside the bucket dir; undefined for keys that would escape it. */
  private file(key: string): string | undefined {
    if (!key || key.split('/').some((s) => s === '..' || s === '.') || key.startsWith('/')) return undefined;
    return join(this.dir, ...key.split('/'));
  }

  private sidecar(key: string): Sidecar | undefined {
    try {
      return JSON.parse(readFileSync(join(this.metaDir, `${key}.json`), 'utf8')) as Sidecar;
    } catch {
      // No sidecar: the object came through the mount, not the API.
      return undefined;
    }
  }
}
