import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EmulatedHost } from './emulated-host';
import { killProcessTree } from './process-tree';

/** Per-instance status of a Cloud Assistant invocation (DescribeInvocationResults API reference). */
export type InvocationStatus = 'Pending' | 'Running' | 'Success' | 'Failed' | 'Timeout' | 'Aborted' | 'Invalid' | 'Error';

/** DescribeInvocationResults keeps 24 KB of output; `Dropped` counts the bytes cut (DescribeInvocationResults API reference). */
export const OUTPUT_LIMIT_BYTES = 24 * 1024;
/**
 * The agent keeps the beginning and the end of the output and drops the middle (aliyun/aliyun_assist_client
 * `agent/taskengine/outputbuffer/outputbuffer.go`: "It only stores the beginning and end of the output"). The
 * split of the 24 KB between the two parts is UNCONFIRMED; we use half and half.
 */
export const OUTPUT_HEAD_BYTES = OUTPUT_LIMIT_BYTES / 2;

/** One invocation of a command on one instance, as the emulator tracks it. */
export interface Invocation {
  invokeId: string;
  commandId: string;
  instanceId: string;
  name: string;
  commandContent: string;
  timeoutSec: number;
  /** RunCommand TerminationMode: what the agent kills on Timeout (default Process: the script alone). */
  terminationMode: TerminationMode;
  username: string;
  workingDir: string;
  createdAt: Date;
  status: InvocationStatus;
  exitCode: number | undefined;
  errorCode: string;
  errorInfo: string;
  startTime: Date | undefined;
  finishedTime: Date | undefined;
  /** Output kept so far: the first OUTPUT_HEAD_BYTES, then the latest bytes up to OUTPUT_LIMIT_BYTES in all. */
  output: Buffer;
  /** Bytes produced in total (Dropped = outputBytes - output.length). */
  outputBytes: number;
  /** Resolves when the invocation reaches a terminal status. */
  done: Promise<void>;
  /** The script's pid while it runs (tests look for its orphans). */
  pid?: number;
}

/** RunCommand's TerminationMode values (aliyun/alibabacloud-typescript-sdk ecs-20140526 RunCommandRequest). */
export type TerminationMode = 'Process' | 'ProcessTree';

/**
 * Exit codes the Linux agent acts on after a command ended by itself: 193 powers the instance off, 194 reboots it
 * (aliyun/aliyun_assist_client agent/taskengine/host/processor_unix.go exitcodePoweroff/exitcodeReboot, applied in
 * processor.go SideEffect when the task did not time out).
 */
export const EXIT_CODE_POWEROFF = 193;
export const EXIT_CODE_REBOOT = 194;

/** After the script exits the agent waits 200 ms for the output still in flight, then reports (process.go SyncRun). */
const OUTPUT_GRACE_MS = 200;

/** ErrorInfo texts as DescribeInvocationResults documents them (help.aliyun.com document 452179). */
const ERROR_INFO: Record<string, string> = {
  InstanceNotRunning: 'the instance is not running when create task',
  ClientNotRunning: 'the aliyun service is not running on the instance',
  DeliveryTimeout: 'the command delivery has been timeout',
  ExecutionTimeout: 'the command execution has been timeout',
  ExitCodeNonzero: 'the command execution exit code is not zero',
};

/** Timing knobs of the emulated agent. */
export interface AgentTiming {
  /** Time in Pending before the agent picks the command up. */
  deliveryMs: number;
  /** Time before a stuck delivery is reported (the real service waits about 1 min). */
  deliveryTimeoutMs: number;
}

/**
 * Drive an invocation: Pending → (delivery) → Running → Success/Failed/Timeout, or Failed/Aborted when the agent,
 * the instance or delivery fails. The script really runs: `bash <file>` in the host's scratch root as its own process
 * group (the agent sets Setpgid). It ends when the script process exits, not when its output pipe closes: a daemon
 * that inherited the pipe cannot hold the task open (process.go waits on the process, then 200 ms for output).
 * On Timeout the agent SIGKILLs the script alone (TerminationMode=Process, the default) or the script and every
 * descendant (ProcessTree); orphans and daemons are left running, as on a real host. An exit code of 193/194 after a
 * normal end powers the instance off / reboots it.
 */
export function runInvocation(inv: Invocation, host: EmulatedHost, timing: AgentTiming): void {
  let resolve!: () => void;
  inv.done = new Promise<void>((r) => (resolve = r));
  const finish = (status: InvocationStatus, errorCode = '', exitCode?: number): void => {
    if (inv.finishedTime) return;
    inv.status = status;
    inv.errorCode = errorCode;
    inv.errorInfo = errorCode ? (ERROR_INFO[errorCode] ?? errorCode) : '';
    inv.exitCode = exitCode;
    inv.finishedTime = new Date();
    resolve();
  };
  if (host.status !== 'Running') return finish('Aborted', 'InstanceNotRunning');
  const f = host.faults;
  if (f.deliveryTimeout) {
    setTimeout(() => finish('Aborted', 'DeliveryTimeout'), timing.deliveryTimeoutMs);
    return;
  }
  setTimeout(() => {
    if (f.agentNotRunning) return finish('Failed', 'ClientNotRunning');
    if (host.status !== 'Running') return finish('Aborted', 'InstanceNotRunning');
    inv.status = 'Running';
    inv.startTime = new Date();
    const dir = host.path('/.emu/work');
    mkdirSync(dir, { recursive: true });
    // Named as the agent names it (`<CommandName>-<taskId>.sh`, agent/taskengine/host/processor.go Prepare).
    const file = join(dir, `${inv.name ? `${inv.name}-` : ''}${inv.invokeId}.sh`);
    writeFileSync(file, inv.commandContent, { mode: 0o700 });
    host.syncDatabase();
    const cwd = host.path(inv.workingDir);
    mkdirSync(cwd, { recursive: true });
    const child = spawn('bash', [file], { cwd, env: host.env(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    inv.pid = child.pid;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (inv.terminationMode === 'ProcessTree') killProcessTree(child.pid!);
      else {
        try {
          process.kill(child.pid!, 'SIGKILL');
        } catch {
          // Exited between the timer firing and the kill.
        }
      }
    }, inv.timeoutSec * 1000);
    let head = Buffer.alloc(0);
    let tail = Buffer.alloc(0);
    const take = (b: Buffer): void => {
      if (inv.finishedTime) return;
      inv.outputBytes += b.length;
      const room = OUTPUT_HEAD_BYTES - head.length;
      if (room > 0) head = Buffer.concat([head, b.subarray(0, room)]);
      const rest = b.subarray(Math.max(room, 0));
      if (rest.length > 0) tail = Buffer.concat([tail, rest]).subarray(-(OUTPUT_LIMIT_BYTES - OUTPUT_HEAD_BYTES));
      inv.output = Buffer.concat([head, tail]);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', () => finish('Error', 'ExecutionException'));
    child.on('exit', (code) => {
      clearTimeout(timer);
      setTimeout(() => {
        // Whatever still holds the pipes (an orphan, a daemon) is no longer heard.
        child.stdout.destroy();
        child.stderr.destroy();
        // The agent reports exit code 1 for a command it killed on Timeout (process.go SyncRun: `exitCode = 1`).
        if (timedOut) return finish('Timeout', 'ExecutionTimeout', 1);
        if (code === 0) return finish('Success', '', 0);
        finish('Failed', 'ExitCodeNonzero', code ?? 137);
        if (code === EXIT_CODE_POWEROFF || code === EXIT_CODE_REBOOT) {
          host.power(code === EXIT_CODE_POWEROFF ? 'poweroff' : 'reboot', { invokeId: inv.invokeId, exitCode: code });
        }
      }, OUTPUT_GRACE_MS);
    });
  }, timing.deliveryMs);
}
