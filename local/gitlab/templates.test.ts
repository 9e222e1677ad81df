import { describe, expect, it } from 'vitest';
import { CiTemplates, GLOBAL_TEMPLATE_NAME, PROJECT_TEMPLATE_NAME, TEMPLATE_DESCRIPTION } from './templates';

const t = new CiTemplates(new Map([
  ['Docker', 'd: 1'],
  ['Pages/Jekyll', 'j: 1'],
  ['Security/SAST', 's: 1'],
  ['Security/DAST', 'x: 1'],
  ['Jobs/Build', 'b: 1'],
  ['Jobs/Build.latest', 'l: 1'],
  ['Verify/Browser-Performance', 'v: 1'],
]));

describe('CiTemplates (GlobalTemplateFinder)', () => {
  it('finds keys from the base directory (so nested paths work) and base names in category directories', () => {
    expect(t.find('Docker')).toBe('Docker');
    expect(t.find('Jobs/Build')).toBe('Jobs/Build');
    expect(t.find('Jekyll')).toBe('Pages/Jekyll');
    expect(t.find('SAST')).toBe('Security/SAST'); // include_categories_for_file
    expect(t.find('DAST')).toBeUndefined(); // Security is not a category for other files
    expect(t.find('Build')).toBeUndefined(); // Jobs is not a category
  });

  it('excludes Verify/Browser-Performance, lists no .latest file (but finds it), and refuses path traversal', () => {
    expect(t.find('Jobs/Build.latest')).toBe('Jobs/Build.latest');
    expect(new CiTemplates(new Map([['Go.latest', 'g: 1'], ['Go', 'g: 0']])).list()).toEqual([{ key: 'Go', name: 'Go' }]);
    expect(t.find('Verify/Browser-Performance')).toBeUndefined();
    expect(t.find('../Docker')).toBeUndefined();
    expect(t.find('Jobs/../Docker')).toBeUndefined();
  });

  it('serves the base name and the description line before the file; lists category files only', () => {
    expect(t.show('Jobs/Build')).toEqual({ name: 'Build', content: `${TEMPLATE_DESCRIPTION}\nb: 1` });
    expect(t.list()).toEqual([{ key: 'Docker', name: 'Docker' }, { key: 'Jekyll', name: 'Jekyll' }]);
  });

  it('route requirements: the global one takes no encoded slash, the project one does', () => {
    expect(GLOBAL_TEMPLATE_NAME.test('Security%2FSAST')).toBe(false);
    expect(GLOBAL_TEMPLATE_NAME.test('C++')).toBe(false);
    expect(GLOBAL_TEMPLATE_NAME.test('Android-Fastlane')).toBe(true);
    expect(PROJECT_TEMPLATE_NAME.test('Security%2FSAST')).toBe(true);
  });
});
