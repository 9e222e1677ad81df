import { isHash, type Hash } from './yaml-load';

/** Entry::Root::ALLOWED_KEYS: everything else at the top level is a job (or a hidden key). */
const ROOT_KEYS = new Set(['default', 'include', 'before_script', 'image', 'services', 'after_script', 'variables', 'stages', 'cache', 'workflow', 'spec']);
// Entry::Processable::PROCESSABLE_ALLOWED_KEYS, Entry::Job::ALLOWED_KEYS and Entry::Bridge::ALLOWED_KEYS
// (lib/gitlab/ci/config/entry/{processable,job,bridge}.rb), plus the keywords newer GitLab adds in doc/ci/yaml.
const PROCESSABLE = ['extends', 'stage', 'only', 'except', 'rules', 'variables', 'inherit', 'allow_failure', 'when', 'needs', 'resource_group', 'environment', 'interruptible'];
const JOB_KEYS = new Set([...PROCESSABLE, 'tags', 'script', 'run', 'type', 'image', 'services', 'start_in', 'artifacts', 'cache', 'dependencies', 'before_script',
  'after_script', 'coverage', 'retry', 'parallel', 'timeout', 'release', 'secrets', 'hooks', 'id_tokens', 'identity', 'pages', 'publish', 'manual_confirmation',
  'dast_configuration', 'inputs']);
const BRIDGE_KEYS = new Set([...PROCESSABLE, 'trigger', 'inputs']);
const DEFAULT_STAGES = ['build', 'test', 'deploy'];

// Validator#messages: "#{location} #{full_message}".downcase, where ActiveModel humanizes the attribute name.
const humanize = (name: string): string => name.replace(/\./g, '_').replace(/^_+/, '').replace(/_id$/, '').replace(/_/g, ' ');

/** EdgeStagesInjector: `.pre` first and `.post` last, when the config lists stages. */
export function injectEdgeStages(config: Hash): Hash {
  if (!Array.isArray(config.stages) || config.stages.length === 0) return config;
  return { ...config, stages: ['.pre', ...config.stages.filter((s) => s !== '.pre' && s !== '.post'), '.post'] };
}

/**
 * The validation static lint reports (Entry::Root/Jobs/Job/Bridge, then YamlProcessor's logical checks) in GitLab's
 * words, e.g. "jobs rspec config should implement the script:, run:, or trigger: keyword",
 * "jobs:build config contains unknown keys: imagee", "test job: chosen stage testx does not exist; available stages
 * are .pre, build, test, deploy, .post". Entry errors come first; the logical checks run only on a valid config.
 */
export function validateConfig(config: Hash): string[] {
  const errors: string[] = [];
  const jobs = Object.entries(config).filter(([k]) => !ROOT_KEYS.has(k));
  const visible: Array<[string, Hash]> = [];
  for (const [name, value] of jobs) {
    if (name.startsWith('.')) continue;
    const isJob = isHash(value) && (value.script !== undefined || value.run !== undefined);
    const isBridge = isHash(value) && (value.trigger !== undefined || value.needs !== undefined);
    if (!isJob && !isBridge) {
      errors.push(`jobs ${humanize(name)} config should implement the script:, run:, or trigger: keyword`.toLowerCase());
      continue;
    }
    const job = value as Hash;
    visible.push([name, job]);
    const allowed = isJob ? JOB_KEYS : BRIDGE_KEYS;
    const unknown = Object.keys(job).filter((k) => !allowed.has(k));
    if (unknown.length) errors.push(`jobs:${name} config contains unknown keys: ${unknown.join(', ')}`.toLowerCase());
    if (isJob && job.script !== undefined && (job.script === null || job.script === '' || (Array.isArray(job.script) && job.script.length === 0))) {
      errors.push(`jobs:${name}:script config can't be blank`.toLowerCase());
    }
    if (job.rules !== undefined && (job.only !== undefined || job.except !== undefined)) errors.push(`jobs:${name} config key may not be used with \`rules\`: ${['only', 'except'].filter((k) => job[k] !== undefined).join(', ')}`.toLowerCase());
  }
  if (visible.length === 0) errors.push('jobs config should contain at least one visible job');
  if (errors.length) return errors;
  const stages = ['.pre', ...(Array.isArray(config.stages) && config.stages.length ? config.stages.map(String).filter((s) => s !== '.pre' && s !== '.post') : DEFAULT_STAGES), '.post'];
  const names = new Set(visible.map(([n]) => n));
  for (const [name, job] of visible) {
    const stage = job.stage ?? 'test';
    if (typeof stage !== 'string' || !stages.includes(stage)) return [`${name} job: chosen stage ${String(stage)} does not exist; available stages are ${stages.join(', ')}`];
    for (const need of Array.isArray(job.needs) ? job.needs : []) {
      const needName = typeof need === 'string' ? need : isHash(need) && typeof need.job === 'string' && need.project === undefined && need.pipeline === undefined ? need.job : undefined;
      const optional = isHash(need) && need.optional === true;
      if (needName !== undefined && !optional && !names.has(needName) && !isParallelName(needName, visible)) return [`${name} job: undefined need: ${needName}`];
    }
  }
  return [];
}

// `needs: [build]` may name a `parallel` job whose instances are called `build 1/2`, `build: [a]`.
const isParallelName = (need: string, jobs: Array<[string, Hash]>): boolean => jobs.some(([n, j]) => need.startsWith(n) && j.parallel !== undefined);
