import { describe, expect, it } from 'vitest';
import { DRILL_LABELS, drillClaim, drillPod, drillVolume, parseOssAuth, type DrillSpec } from './drill-manifests';
import { ECI_FREE_STORAGE_GIB, extraStorageGiB, gitlabImage, ossInternalEndpoint, volumeCapacity } from './drill-sizing';

const spec: DrillSpec = {
  id: 'ab12cd', namespace: 'gitlab-ask-ops-drill', backup: '1795737600_2026_11_27_k3f9', image: 'gitlab/gitlab-ee:17.5.1-ee.0', script: '#!/bin/bash\necho hi', specs: '8-16Gi',
  extraStorageGiB: 12, deadline: new Date('2026-12-01T05:00:00Z'), activeSeconds: 3600, capacity: '2Gi',
  oss: { bucket: 'backups', endpoint: 'oss-ap-northeast-2-internal.aliyuncs.com', dataPrefix: 'gitlab-backups/', configPrefix: 'gitlab-config-backups/', auth: { kind: 'secret', name: 'drill-oss' } },
};

describe('drill manifests', () => {
  it('the pod: exact image, the script as command, ECI size and storage annotations, 256 MiB /dev/shm, read-only OSS mounts, never restarted, labelled', () => {
    const p = drillPod(spec);
    expect(p.metadata).toMatchObject({ name: 'gitlab-ask-ops-drill-ab12cd', namespace: 'gitlab-ask-ops-drill', labels: { ...DRILL_LABELS, 'gitlab-ask-ops/drill': 'ab12cd' } });
    expect(p.metadata!.annotations).toMatchObject({ 'k8s.aliyun.com/eci-use-specs': '8-16Gi', 'k8s.aliyun.com/eci-extra-ephemeral-storage': '12Gi', 'gitlab-ask-ops/deadline': '2026-12-01T05:00:00.000Z', 'gitlab-ask-ops/backup': spec.backup });
    expect(p.metadata!.annotations).not.toHaveProperty('k8s.aliyun.com/eci-ram-role-name');
    expect(p.spec).toMatchObject({ restartPolicy: 'Never', activeDeadlineSeconds: 3600, automountServiceAccountToken: false });
    const c = p.spec!.containers[0]!;
    expect(c).toMatchObject({ image: 'gitlab/gitlab-ee:17.5.1-ee.0', command: ['/bin/bash', '-c', spec.script] });
    expect(c.volumeMounts).toEqual([
      { name: 'backup', mountPath: '/mnt/gitlab-ask-ops/backup', readOnly: true },
      { name: 'config', mountPath: '/mnt/gitlab-ask-ops/config', readOnly: true },
      { name: 'dshm', mountPath: '/dev/shm' },
    ]);
    expect(p.spec!.volumes).toContainEqual({ name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '256Mi' } });
    expect(p.spec!.volumes).toContainEqual({ name: 'backup', persistentVolumeClaim: { claimName: 'gitlab-ask-ops-drill-ab12cd-backup', readOnly: true } });
    expect(drillPod({ ...spec, extraStorageGiB: 0 }).metadata!.annotations).not.toHaveProperty('k8s.aliyun.com/eci-extra-ephemeral-storage');
  });

  it('the volumes: static OSS CSI, ReadOnlyMany and readOnly, one prefix each, the Secret or the RAM role', () => {
    const v = drillVolume(spec, 'config');
    expect(v.metadata).toMatchObject({ name: 'gitlab-ask-ops-drill-ab12cd-config', labels: { 'alicloud-pvname': 'gitlab-ask-ops-drill-ab12cd-config', ...DRILL_LABELS } });
    expect(v.spec).toMatchObject({ accessModes: ['ReadOnlyMany'], storageClassName: '', persistentVolumeReclaimPolicy: 'Retain', capacity: { storage: '2Gi' } });
    expect(v.spec!.csi).toEqual({
      driver: 'ossplugin.csi.alibabacloud.com', volumeHandle: 'gitlab-ask-ops-drill-ab12cd-config', readOnly: true, nodePublishSecretRef: { name: 'drill-oss', namespace: 'gitlab-ask-ops-drill' },
      volumeAttributes: { bucket: 'backups', url: 'oss-ap-northeast-2-internal.aliyuncs.com', path: '/gitlab-config-backups', otherOpts: '-o allow_other -o umask=022' },
    });
    expect(drillVolume(spec, 'backup').spec!.csi!.volumeAttributes!.path).toBe('/gitlab-backups');
    const role = { ...spec, oss: { ...spec.oss, auth: { kind: 'role' as const, roleName: 'DrillOssRead' } } };
    expect(drillVolume(role, 'backup').spec!.csi).toMatchObject({ volumeAttributes: { authType: 'sts', roleName: 'DrillOssRead' } });
    expect(drillVolume(role, 'backup').spec!.csi).not.toHaveProperty('nodePublishSecretRef');
    expect(drillPod(role).metadata!.annotations).toMatchObject({ 'k8s.aliyun.com/eci-ram-role-name': 'DrillOssRead' });
    expect(drillClaim(spec, 'backup').spec).toEqual({ accessModes: ['ReadOnlyMany'], storageClassName: '', volumeName: 'gitlab-ask-ops-drill-ab12cd-backup', selector: { matchLabels: { 'alicloud-pvname': 'gitlab-ask-ops-drill-ab12cd-backup' } }, resources: { requests: { storage: '2Gi' } } });
  });

  it('DRILL_OSS_AUTH: secret:<name> or role:<name>, nothing else', () => {
    expect(parseOssAuth('secret:gitlab-ask-ops-drill-oss')).toEqual({ kind: 'secret', name: 'gitlab-ask-ops-drill-oss' });
    expect(parseOssAuth('role:AliyunECIOssRead')).toEqual({ kind: 'role', roleName: 'AliyunECIOssRead' });
    for (const bad of ['gitlab-ask-ops-drill-oss', 'secret:', 'key:x', 'role:a b']) expect(parseOssAuth(bad)).toBeUndefined();
  });
});

describe('drill sizing', () => {
  it('the image of the backup\'s exact version and edition', () => {
    expect(gitlabImage('17.5.1-ee')).toBe('gitlab/gitlab-ee:17.5.1-ee.0');
    expect(gitlabImage('16.11.10')).toBe('gitlab/gitlab-ce:16.11.10-ce.0');
    expect(gitlabImage('17.5')).toBeUndefined();
  });

  it('extra ephemeral storage: three times the archive and the image allowance beyond ECI\'s free 30 GiB', () => {
    expect(extraStorageGiB(0)).toBe(0);
    expect(extraStorageGiB(5 * 2 ** 30)).toBe(0); // 15 + 10 ≤ 30
    expect(extraStorageGiB(10 * 2 ** 30)).toBe(10); // 30 + 10 − 30
    expect(extraStorageGiB(100 * 2 ** 30)).toBe(300 + 10 - ECI_FREE_STORAGE_GIB);
    expect(volumeCapacity(1)).toBe('1Gi');
    expect(volumeCapacity(3.5 * 2 ** 30)).toBe('4Gi');
    expect(ossInternalEndpoint('oss-ap-northeast-2')).toBe('oss-ap-northeast-2-internal.aliyuncs.com');
    expect(ossInternalEndpoint('ap-northeast-2')).toBe('oss-ap-northeast-2-internal.aliyuncs.com');
  });
});
