import { describe, expect, it } from 'vitest';
import { parseBackupResult } from './parse-backup-result';

const ok = '{"status":"ok","step":"done","name":"1795737600_2026_11_27","exitCode":0,"error":"","message":"","archive":"b/x.tar","manifest":"b/x.json","config":"b/c.tar","reused":false,"label":"pre-upgrade","log":"/var/log/x.log"}';

describe('parseBackupResult', () => {
  it('takes the last result line after the log tail', () => {
    const out = `09:30:00 [log] run\nGITLAB_BACKUP_RESULT {"status":"failed","step":"lock","name":"x","exitCode":75}\nmore\nGITLAB_BACKUP_RESULT ${ok}\n`;
    expect(parseBackupResult(out)).toMatchObject({ status: 'ok', step: 'done', label: 'pre-upgrade', archive: 'b/x.tar' });
  });

  it('fills defaults for optional fields', () => {
    expect(parseBackupResult('GITLAB_BACKUP_RESULT {"status":"failed","step":"mount","name":"n","exitCode":1}')).toEqual({
      status: 'failed', step: 'mount', name: 'n', exitCode: 1, error: '', message: '', archive: '', manifest: '', config: '',
      reused: false, label: '', log: '', detail: '', childExit: null, note: '', timingsMs: {},
    });
  });

  it('is undefined for missing, cut or foreign lines', () => {
    expect(parseBackupResult('just a log\n')).toBeUndefined();
    expect(parseBackupResult(`GITLAB_BACKUP_RESULT ${ok.slice(0, 40)}`)).toBeUndefined();
    expect(parseBackupResult('GITLAB_BACKUP_RESULT {"status":"maybe","step":"done","name":"n","exitCode":0}')).toBeUndefined();
  });
});
