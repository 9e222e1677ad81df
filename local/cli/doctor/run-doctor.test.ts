import { describe, expect, it } from 'vitest';
import { doctorJson, renderDoctor, type DoctorReport } from './run-doctor';

const report: DoctorReport = {
  elapsedMs: 1234,
  checks: [
    { id: 'config.valid', service: 'config', status: 'ok', detail: 'valid', elapsedMs: 1 },
    { id: 'oss.read', service: 'oss', status: 'failed', detail: 'AccessDenied', fix: 'grant oss:GetObject', elapsedMs: 2 },
    { id: 'mail.sender', service: 'directmail', status: 'skipped', detail: 'mail is off', elapsedMs: 0 },
  ],
};

describe('doctor report', () => {
  it('--json: every check has exactly id, service, status, detail and fix (null when there is none); elapsedMs once', () => {
    const j = JSON.parse(doctorJson(report)) as { checks: Array<Record<string, unknown>>; elapsedMs: number };
    expect(Object.keys(j).sort()).toEqual(['checks', 'elapsedMs']);
    for (const c of j.checks) expect(Object.keys(c).sort()).toEqual(['detail', 'fix', 'id', 'service', 'status']);
    expect(j.checks.map((c) => c.fix)).toEqual([null, 'grant oss:GetObject', null]);
    expect(j.elapsedMs).toBe(1234);
  });

  it('text: one block per service, the fix under a failure, the totals', () => {
    expect(renderDoctor(report)).toEqual([
      'config', '  ok      config.valid  valid',
      'oss', '  FAILED  oss.read      AccessDenied', '                        fix: grant oss:GetObject',
      'directmail', '  skipped mail.sender   mail is off',
      '', '3 checks: 1 ok, 1 failed, 1 skipped (1.2 s)',
    ]);
  });
});
