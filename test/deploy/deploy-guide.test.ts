import { existsSync, readFileSync } from 'node:fs';
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
/** Shell variables the guide's own commands set (not configuration). */
const SCRIPT_VARS = new Set(['ROLE_ID']);

describe('docs/deploy.md says only what exists', () => {
  it('every `npm run -s ops -- …` it shows is a registered command with the flags it declares', () => {
    const uses = [...guide.matchAll(/npm run -s ops -- ([a-z-]+(?: [a-z-]+)?)((?: --?[a-z-]+(?:[ =][^\s`'"-][^\s`]*)?)*)/g)];
    expect(uses.length).toBeGreaterThanOrEqual(8);
    for (const [, words, rest] of uses) {
      const [name, sub] = words!.split(' ');
      let cmd: CliCommand | undefined = commands.find((c) => c.name === name);
      expect(cmd, `ops ${name}`).toBeDefined();
      if (sub && cmd!.subcommands) cmd = cmd!.subcommands.find((c) => c.name === sub) ?? cmd;
      for (const f of rest!.match(/--[a-z-]+/g) ?? []) expect(cmd!.flags?.map((x) => x.name), `ops ${words} ${f}`).toContain(f);
    }
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
