import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError, type CliFlag } from './args';
import { didYouMean, editDistance, unknownMessage } from './did-you-mean';

describe('did-you-mean', () => {
  it('counts edits, a swap of neighbours as one', () => {
    expect(editDistance('plan', 'plan')).toBe(0);
    expect(editDistance('plna', 'plan')).toBe(1);
    expect(editDistance('invok', 'invoke')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('suggests close commands and flags, a unique prefix, and nothing for noise', () => {
    const cmds = ['images', 'invoke', 'backup-script', 'sandbox', 'plan', 'apply'];
    expect(didYouMean('invok', cmds)).toBe('invoke');
    expect(didYouMean('plna', cmds)).toBe('plan');
    expect(didYouMean('sandbx', cmds)).toBe('sandbox');
    expect(didYouMean('backup-scirpt', cmds)).toBe('backup-script');
    expect(didYouMean('back', cmds)).toBe('backup-script');
    expect(didYouMean('xyz', cmds)).toBeUndefined();
    expect(didYouMean('i', cmds)).toBeUndefined();
    expect(didYouMean('--jsn', ['--json', '--infra'])).toBe('--json');
    expect(unknownMessage('command', 'zzz', cmds)).toBe('unknown command "zzz"');
  });
});

describe('parseArgs', () => {
  const flags: CliFlag[] = [
    { name: '--event', alias: '-e', value: 'FILE', summary: '' },
    { name: '--json', summary: '' },
    { name: '--file', value: 'P=L', repeatable: true, summary: '' },
  ];

  it('takes flags anywhere, --flag=value, aliases, repeats and -- as the end of options', () => {
    const a = parseArgs(['fn', '-e', 'x.json', '--json', '--file=a=b', '--file', 'c=d', '--', '--not-a-flag'], flags);
    expect(a.flags).toEqual({ event: 'x.json', json: true, file: 'c=d' });
    expect(a.lists.file).toEqual(['a=b', 'c=d']);
    expect(a.positionals).toEqual(['fn', '--not-a-flag']);
    expect(parseArgs(['--event', '-'], flags).flags.event).toBe('-');
  });

  it('rejects unknown flags with a suggestion, missing values, values on switches and repeats', () => {
    expect(() => parseArgs(['--evnt', 'x'], flags)).toThrow(new UsageError('unknown flag "--evnt" (did you mean "--event"?)'));
    expect(() => parseArgs(['--event'], flags)).toThrow('--event needs a value (FILE)');
    expect(() => parseArgs(['--event', '--json'], flags)).toThrow('--event needs a value');
    expect(() => parseArgs(['--json=yes'], flags)).toThrow('--json takes no value');
    expect(() => parseArgs(['-e', 'a', '-e', 'b'], flags)).toThrow('--event given twice');
  });
});
