import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commands, type CliCommand } from '#local/cli/commands/index';
import { DOCTOR_CHECKS } from '#local/cli/doctor/checks';
import { envSchema } from '#shared/config/sections';
import { loadSYaml, ROOT, splitCron, withEnvDefaults } from './s-yaml';

const GUIDE = join(ROOT, 'docs/deploy.md');
const guide = readFileSync(GUIDE, 'utf8');
const sYamlText = readFileSync(join(ROOT, 's.yaml'), 'utf8');
const s = loadSYaml();
/** Every key the deploy reads: the config schema and s.yaml's `${env('X')}` references. */
const deployKeys = new Set([...Object.keys(envSchema.shape), ...[...sYamlText.matchAll(/\$\{env\('([A-Z0-9_]+)'/g)].map((m) => m[1]!)]);
const byName = (list: readonly CliCommand[] | undefined, name: string | undefined): CliCommand | undefined => list?.find((c) => c.name === name);
const NAMES = commands.map((c) => c.name);

/** One use of the CLI a document shows: the command words as written (command, maybe subcommand) and the flags. */
interface OpsUse {
  words: string[];
  flags: string[];
}

/** `… | next`, `… && next`, `… > file`, `… # comment`, `$(…)`: where a shell command line ends. */
const cut = (text: string): string => text.split(/\s(?:\||&&|;|>|2>|#)\s|\)|`/)[0]!;

/** Command words and flags of one command text (after `npm run -s ops --`); quoted values are not read as flags. */
function parseUse(text: string): OpsUse {
  const bare = text.replace(/'[^']*'|"[^"]*"/g, "''");
  const [name, second] = bare.trim().split(/\s+/);
  const sub = byName(byName(commands, name)?.subcommands, second);
  return { words: sub ? [name!, second!] : [name ?? ''], flags: [...bare.matchAll(/(?<![\w-])--[a-z][a-z-]*/g)].map((m) => m[0]) };
}

/**
 * Every use of `npm run -s ops -- …` (code blocks, `\`-continued lines, inline code) and every inline code span that
 * starts with a command's name and names a flag (`doctor --json`, a README usage row `policy [--trust | …]`).
 */
function opsUses(doc: string): OpsUse[] {
  const uses: OpsUse[] = [];
  const text = doc.replace(/\\\n\s*/g, ' ');
  // A lookahead, so a second command on the same line (`GITLAB_TOKEN=$(npm run -s ops -- …) npm run -s ops -- …`) is read too.
  for (const m of text.matchAll(/npm run -s ops -- (?=([^\n]*))/g)) if (!m[1]!.startsWith('<')) uses.push(parseUse(cut(m[1]!)));
  for (const m of text.matchAll(/`([^`\n]+)`/g)) {
    const span = m[1]!.replace(/\\\|/g, '|').replace(/^ops /, '');
    if (span.includes('npm run -s ops --')) continue; // read above
    if (NAMES.includes(span.split(' ')[0]!) && /\s\[?--?[a-z]/.test(span)) uses.push(parseUse(span));
  }
  return uses;
}

/** What is wrong with a use: an unknown command, or each flag the command does not declare. */
function unknownUse(u: OpsUse): string[] {
  let cmd = byName(commands, u.words[0]);
  if (!cmd) return [`ops ${u.words[0]}: no such command`];
  if (u.words[1]) cmd = byName(cmd.subcommands, u.words[1]) ?? cmd;
  const declared = new Set([...(cmd.flags ?? []).map((f) => f.name), '--help']);
  return u.flags.filter((f) => !declared.has(f)).map((f) => `ops ${u.words.join(' ')} ${f}`);
}

/** Shell variables the guide's own commands set (not configuration). */
const SCRIPT_VARS = new Set(['ROLE_ID']);

describe('docs/deploy.md says only what exists', () => {
  it('every `ops <command> --flag` in README.md and docs/*.md is a registered command with the flags it declares', () => {
    const docs = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
    const uses = docs.flatMap((f) => opsUses(readFileSync(join(ROOT, f), 'utf8')).map((u) => ({ ...u, file: f })));
    expect(uses.filter((u) => u.file === 'docs/deploy.md').length).toBeGreaterThanOrEqual(8);
    // The forms the old pattern missed: a flag right after the command, and a command in prose.
    for (const want of ['policy --trust', 'policy --operator', 'policy --drill', 'policy --ossfs', 'policy --without-platform']) expect(uses.map((u) => `${u.words.join(' ')} ${u.flags.join(' ')}`).join('\n')).toContain(want);
    expect(uses.flatMap((u) => unknownUse(u).map((p) => `${u.file}: ${p}`))).toEqual([]);
  });

  it('the extraction catches a made-up flag or command wherever it is written', () => {
    const doc = [
      'Run `doctor --jsno` first, then `policy --operator --bogus`.',
      '```sh',
      'npm run -s ops -- policy --trustt > trust.json   # a typo',
      'GITLAB_TOKEN=$(npm run -s ops -- sandbox token --scopes read_api --rol developer) npm run -s ops -- invoke ops-worker \\',
      '  --event \'{"action":"ping"}\' --quiet --nope',
      'npm run -s ops -- frobnicate --x',
      '```',
      '| `backups [--json] [--csv]` | list |',
    ].join('\n');
    expect(opsUses(doc).flatMap(unknownUse)).toEqual([
      'ops policy --trustt', 'ops sandbox token --rol', 'ops invoke --nope', 'ops frobnicate: no such command', 'ops doctor --jsno', 'ops policy --bogus', 'ops backups --csv',
    ]);
  });

  it('every `s …` command is deploy, info, invoke, logs or remove, on resources and triggers s.yaml has', () => {
    const lines = guide.split('\n').filter((l) => /(^|`|\s)s (deploy|info|invoke|logs|remove|[a-z-]+ (deploy|invoke|logs|remove))\b/.test(l));
    const used = new Set<string>();
    for (const l of lines) {
      for (const m of l.matchAll(/(?:^|`|\s)s (?:([a-z][a-z-]*) )?(deploy|info|invoke|logs|remove)\b([^`\n]*)/g)) {
        used.add(m[2]!);
        if (m[1] && !['deploy', 'info', 'invoke', 'logs', 'remove', 'build'].includes(m[1])) expect(Object.keys(s.resources), `s ${m[1]}`).toContain(m[1]);
        for (const t of m[3]!.match(/--trigger ([a-z-]+)/)?.slice(1) ?? []) {
          if (t === 'name') continue;
          expect(Object.values(s.resources).flatMap((r) => (r.props.triggers ?? []).map((x) => x.triggerName)), t).toContain(t);
        }
      }
    }
    expect([...used].sort()).toEqual(['deploy', 'info', 'invoke', 'logs', 'remove']);
  });

  it('every configuration key it names exists (schema or s.yaml env), and every exported one', () => {
    const named = new Set([...guide.matchAll(/`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)`/g), ...guide.matchAll(/(?:export |\s)([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)=/g)].map((m) => m[1]!));
    const unknown = [...named].filter((k) => !deployKeys.has(k) && !SCRIPT_VARS.has(k) && !k.startsWith('ALIBABA_CLOUD_') && k !== 'FC_ACCOUNT_ID');
    expect(unknown).toEqual([]);
    expect(named.size).toBeGreaterThan(20);
  });

  it('every relative link points at a file of the repository', () => {
    for (const m of guide.matchAll(/\]\(((?!https?:|#)[^)#]+)(#[^)]*)?\)/g)) expect(existsSync(join(dirname(GUIDE), m[1]!)), m[1]).toBe(true);
  });

  it('the timer table is s.yaml\'s timers: names, crons and payloads', () => {
    const timers = (s.resources['ops-worker']!.props.triggers ?? []).filter((t) => t.triggerType === 'timer');
    for (const t of timers) {
      const row = guide.split('\n').find((l) => l.startsWith(`| ${t.triggerName} |`));
      expect(row, t.triggerName).toBeDefined();
      expect(row).toContain(`\`${splitCron(withEnvDefaults(String(t.triggerConfig.cronExpression))).fields.join(' ')}\``);
      expect(row).toContain(`\`${String(t.triggerConfig.payload)}\``);
    }
  });

  it('covers the path from an empty account: trust and generated policy, RBAC, DirectMail DNS, network, hooks, doctor', () => {
    for (const needle of ['policy --trust', 'AttachPolicyToRole', 'kubectl apply -f infra/k8s/rbac.yaml', 'SPF', 'MX', 'DKIM', '6443', 'Repository update', 'SSL verification on', 'Pipeline events', 'npm run -s ops -- doctor', 'TIMER_TZ']) {
      expect(guide, needle).toContain(needle);
    }
    for (const make of DOCTOR_CHECKS) {
      const id = make({} as never).id;
      expect(guide, `doctor check ${id}`).toContain(`\`${id}\``);
    }
  });
});
