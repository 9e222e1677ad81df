import { readdirSync, readFileSync } from 'node:fs';

/** ppid of every live process (Linux /proc); a process that vanishes while we read is skipped. */
function parentMap(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      // Exited between readdir and read.
      continue;
    }
    // Field 2 (comm) may hold spaces and parentheses: the fields after the last ')' are fixed.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
  }
  return children;
}

function send(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone: nothing to stop.
  }
}

/**
 * SIGKILL `root` and every descendant found by parent links, children first — what the Cloud Assistant agent does
 * for TerminationMode=ProcessTree (aliyun/aliyun_assist_client agent/util/process/processcollection/
 * processtree_unix.go: probeProcessMap + killRecur). A daemon that left the tree (setsid and reparented, as a FUSE
 * daemon does) is not a descendant any more and survives, as on a real host.
 */
export function killProcessTree(root: number): number[] {
  const children = parentMap();
  const killed: number[] = [];
  const walk = (pid: number): void => {
    for (const c of children.get(pid) ?? []) walk(c);
    send(pid, 'SIGKILL');
    killed.push(pid);
  };
  walk(root);
  return killed;
}

/** Processes whose environment carries `KEY=value` (the emulated host's processes carry GITLAB_ASK_OPS_ROOT). */
export function processesWithEnv(key: string, value: string): number[] {
  const want = `${key}=${value}`;
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${name}/environ`, 'utf8').split('\0').includes(want)) out.push(Number(name));
    } catch {
      // Exited, or not ours to read.
    }
  }
  return out;
}

/** Processes whose `KEY` starts with `prefix` (every emulated pod's processes: GITLAB_ASK_OPS_ROOT=<tmp>/pod-…). */
export function processesWithEnvPrefix(key: string, prefix: string): number[] {
  const want = `${key}=${prefix}`;
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${name}/environ`, 'utf8').split('\0').some((e) => e.startsWith(want))) out.push(Number(name));
    } catch {
      // Exited, or not ours to read.
    }
  }
  return out;
}

/** SIGKILL each pid (the emulated instance powering off). */
export function killAll(pids: readonly number[]): void {
  for (const p of pids) send(p, 'SIGKILL');
}
