import { describe, expect, it } from 'vitest';
import { ancestorGroups, mergeVariables } from './merge-variables';

describe('mergeVariables', () => {
  it('lets later lists win and drops secrets, files and scoped values', () => {
    const group = [
      { key: 'REG', value: 'registry.example.com' },
      { key: 'TAG', value: '1.0' },
      { key: 'PASS', value: 's3cret', masked: true },
    ];
    const project = [
      { key: 'TAG', value: '2.0' },
      { key: 'KUBE', value: 'apiVersion: v1', variable_type: 'file' as const },
      { key: 'HID', value: null, hidden: true },
      { key: 'ENV_ONLY', value: 'x', environment_scope: 'production' },
      { key: 'PROT', value: 'p', protected: true },
    ];
    expect(mergeVariables([group, project])).toEqual({ REG: 'registry.example.com', TAG: '2.0', PROT: 'p' });
    expect(mergeVariables([group, project], false)).not.toHaveProperty('PROT');
  });
});

describe('ancestorGroups', () => {
  it('lists every enclosing group outermost first', () => {
    expect(ancestorGroups('a/b/c')).toEqual(['a', 'a/b', 'a/b/c']);
    expect(ancestorGroups('')).toEqual([]);
  });
});
