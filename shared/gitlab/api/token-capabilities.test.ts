import { describe, expect, it } from 'vitest';
import { judgeCapabilities, type TokenFacts } from './token-capabilities';

const facts = (f: Partial<TokenFacts>): TokenFacts => ({ scopes: ['api'], admin: false, roles: {}, ...f });
const statuses = (f: Partial<TokenFacts>) => Object.values(judgeCapabilities(facts(f))).map((c) => c.status);

describe('judgeCapabilities', () => {
  it('api + Maintainer on the checked projects: all ok; nothing checked: role-bound ones unknown', () => {
    expect(statuses({ infraProject: 'ops/infra', roles: { 'ops/infra': 40, 'g/a': 40 } })).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(statuses({})).toEqual(['ok', 'unknown', 'unknown', 'missing', 'unknown']); // no INFRA_PROJECT
  });

  it('read_api: discovery and variables only; the reasons name the scope', () => {
    const c = judgeCapabilities(facts({ scopes: ['read_api'], infraProject: 'ops/infra', roles: { 'ops/infra': 50 } }));
    expect([c.discovery.status, c.variables.status, c.lint.status, c.remediation.status, c.commitStatuses.status]).toEqual(['ok', 'ok', 'missing', 'missing', 'missing']);
    expect(c.lint.why).toBe('token lacks the api scope: POST /projects/:id/ci/lint (discovery resolves includes itself instead, same images)');
  });

  it('read_repository alone or no scopes known: discovery missing / unknown', () => {
    expect(judgeCapabilities(facts({ scopes: ['read_repository'] })).discovery.status).toBe('missing');
    expect(judgeCapabilities(facts({ scopes: undefined })).discovery.status).toBe('unknown');
  });

  it('roles: Developer cannot read variables; Reporter cannot lint or remediate; archived infra refuses pipelines', () => {
    const dev = judgeCapabilities(facts({ infraProject: 'ops/infra', roles: { 'ops/infra': 30 } }));
    expect(dev.variables.why).toContain('token lacks Maintainer on project ops/infra (has Developer)');
    expect(dev.remediation).toMatchObject({ status: 'ok', why: expect.stringContaining('RECONCILE_REASON') });
    const rep = judgeCapabilities(facts({ infraProject: 'ops/infra', roles: { 'ops/infra': 20 } }));
    expect([rep.lint.status, rep.remediation.status, rep.commitStatuses.status]).toEqual(['missing', 'missing', 'missing']);
    expect(judgeCapabilities(facts({ infraProject: 'ops/infra', infraArchived: true, roles: { 'ops/infra': 50 } })).remediation.why).toContain('archived');
  });

  it('an admin holds every role; a rejected token can do nothing', () => {
    expect(statuses({ admin: true, infraProject: 'ops/infra' })).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(statuses({ rejected: '401 Unauthorized' })).toEqual(['missing', 'missing', 'missing', 'missing', 'missing']);
  });
});
