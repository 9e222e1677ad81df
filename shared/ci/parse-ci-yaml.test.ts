import { describe, it, expect } from 'vitest';
import { isCiReference } from './ci-reference';
import { parseCiYaml } from './parse-ci-yaml';

describe('parseCiYaml', () => {
  it('reads !reference as a placeholder carrying its path', () => {
    const { config } = parseCiYaml('job:\n  script:\n    - !reference [.setup, script]\n', 'f');
    const item = (config.job as { script: unknown[] }).script[0];
    expect(isCiReference(item)).toBe(true);
    expect((item as { path: string[] }).path).toEqual(['.setup', 'script']);
  });

  it('reads Ruby-symbol keys from old lint merged_yaml as plain keys', () => {
    const { config } = parseCiYaml('---\n:test_job:\n  :image: ruby:3.3\n  :script: echo 1\n', 'f');
    expect(config).toEqual({ test_job: { image: 'ruby:3.3', script: 'echo 1' } });
  });

  it('splits a spec: inputs: header from the configuration document', () => {
    const r = parseCiYaml('spec:\n  inputs:\n    tag:\n      default: "1"\n---\njob:\n  image: a:$[[ inputs.tag ]]\n', 'f');
    expect(r.spec).toEqual({ inputs: { tag: { default: '1' } } });
    expect(r.config).toEqual({ job: { image: 'a:$[[ inputs.tag ]]' } });
  });

  it('applies YAML anchors and merge keys, last duplicate key wins like Psych', () => {
    const r = parseCiYaml('.b: &b\n  image: alpine\njob:\n  <<: *b\n  script: x\n  script: y\n', 'f');
    expect(r.config.job).toEqual({ image: 'alpine', script: 'y' });
  });

  it('throws CI_CONFIG on broken YAML, several plain documents, or a non-mapping root', () => {
    expect(() => parseCiYaml('job:\n  image: [unclosed\n', 'f')).toThrow(expect.objectContaining({ code: 'CI_CONFIG' }));
    expect(() => parseCiYaml('a: 1\n---\nb: 2\n', 'f')).toThrow(/multiple YAML documents/);
    expect(() => parseCiYaml('- a\n- b\n', 'f')).toThrow(/not a mapping/);
  });

  it('a YAML syntax error carries the line and column of the problem (1-based)', () => {
    const text = 'stages: [build]\nbuild:\n  image: maven\n  script: [\n    - mvn package\n';
    expect(() => parseCiYaml(text, '.gitlab-ci.yml')).toThrow(expect.objectContaining({ code: 'CI_CONFIG', details: { file: '.gitlab-ci.yml', line: 5, column: 5 } }));
  });

  it('treats an empty file as an empty configuration', () => {
    expect(parseCiYaml('', 'f').config).toEqual({});
    expect(parseCiYaml('# only a comment\n', 'f').config).toEqual({});
  });

  it('refuses alias bombs (billion laughs) instead of expanding them', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) {
      const [prev, cur] = [String.fromCharCode(96 + i), String.fromCharCode(97 + i)];
      lines.push(`${cur}: &${cur} [${Array(10).fill(`*${prev}`).join(', ')}]`);
    }
    expect(() => parseCiYaml(lines.join('\n'), 'f')).toThrow(/alias/i);
  });
});
