/** One object as listed or HEADed. `crc64` is OSS's `x-oss-hash-crc64ecma` (CRC-64/XZ, decimal) when known. */
export interface OssObjectInfo {
  key: string;
  size: number;
  lastModified: Date;
  etag: string;
  crc64?: string;
}

/** HEAD result: the object plus its `x-oss-meta-*` user metadata (prefix removed). */
export interface OssObjectHead extends OssObjectInfo {
  meta: Record<string, string>;
}

/** One bucket lifecycle rule (GetBucketLifecycle), reduced to what can delete objects. */
export interface OssLifecycleRule {
  id: string;
  /** '' = the whole bucket. */
  prefix: string;
  enabled: boolean;
  /** Expiration after this many days since last modification. */
  expirationDays?: number;
  /** Expiration of objects created before this date. */
  expirationDate?: string;
}

/**
 * The `oss` port: the few object calls backup verification, retention and the watchdog need. Keys are full object
 * keys inside the configured bucket. Errors are AppError 'OSS_API' (`retryable` on 5xx/throttling/network).
 */
export interface OssPort {
  readonly bucket: string;
  /** Every object under `prefix` (all pages). */
  list(prefix: string): Promise<OssObjectInfo[]>;
  /** Undefined when the object does not exist. */
  head(key: string): Promise<OssObjectHead | undefined>;
  /** The object as UTF-8 text; undefined when it does not exist. */
  getText(key: string): Promise<string | undefined>;
  /** sha256 hex of the object's bytes, streamed (for objects small enough to read back). */
  sha256(key: string): Promise<string | undefined>;
  /** PUT `value` as pretty JSON (`application/json`). */
  putJson(key: string, value: unknown): Promise<void>;
  /**
   * PUT `value` as pretty JSON only if no object has that key (`x-oss-forbid-overwrite: true`; OSS answers 409
   * FileAlreadyExists otherwise: https://help.aliyun.com/en/oss/user-guide/0026-00000002): a claim two writers
   * cannot both win. `exists` when another writer was first.
   */
  putJsonIfAbsent(key: string, value: unknown): Promise<'created' | 'exists'>;
  /** Delete; absent objects are fine (OSS answers 204 either way). */
  delete(key: string): Promise<void>;
  /** The bucket's lifecycle rules; [] when it has none (OSS answers 404 NoSuchLifecycle). */
  lifecycle(): Promise<OssLifecycleRule[]>;
}
