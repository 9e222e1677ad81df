/** ECI's free ephemeral storage per pod; the image shares it (https://help.aliyun.com/en/eci/user-guide/increase-the-capacity-of-the-temporary-storage-space). */
export const ECI_FREE_STORAGE_GIB = 30;
/**
 * Room for the unpacked image and GitLab's own data besides the restore (the package is ≈ 2.5 GB on disk, ECI wants
 * twice the compressed image): an allowance of ours, UNCONFIRMED for a given release.
 */
export const IMAGE_ALLOWANCE_GIB = 10;

/** The GitLab image of a version: `17.5.1-ee` → `gitlab/gitlab-ee:17.5.1-ee.0`; `17.5.1` (CE) → `gitlab/gitlab-ce:17.5.1-ce.0`. */
export function gitlabImage(version: string): string | undefined {
  const m = /^(\d+\.\d+\.\d+)(?:-(ee|ce))?$/.exec(version.trim());
  if (!m) return undefined;
  const edition = m[2] ?? 'ce';
  return `gitlab/gitlab-${edition}:${m[1]}-${edition}.0`;
}

/**
 * The extra ephemeral storage a drill needs (`k8s.aliyun.com/eci-extra-ephemeral-storage`): the archive is copied
 * into backup_path, unpacked there and restored next to it — three times its size — plus the image allowance, less
 * ECI's free 30 GiB. Whole GiB, 0 when the free space is enough.
 */
export function extraStorageGiB(archiveBytes: number): number {
  const need = (archiveBytes * 3) / 2 ** 30 + IMAGE_ALLOWANCE_GIB;
  return Math.max(0, Math.ceil(need - ECI_FREE_STORAGE_GIB));
}

/** The nominal capacity of the drill's OSS volumes: the archive's size in whole GiB (at least 1). */
export function volumeCapacity(archiveBytes: number): string {
  return `${Math.max(1, Math.ceil(archiveBytes / 2 ** 30))}Gi`;
}

/** The OSS endpoint the pod's ossfs mounts: the region's internal one (the pod runs in the VPC). */
export function ossInternalEndpoint(region: string): string {
  return `oss-${region.replace(/^oss-/, '')}-internal.aliyuncs.com`;
}
