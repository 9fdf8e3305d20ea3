/**
 * Is the process that wrote a capture folder's marker still running? A pid
 * alone is not enough once the machine has rebooted (pids start over) or the
 * pid was handed to another program, so on Linux the marker also records the
 * boot id and the process's start time, and a pid that now names a different
 * process counts as gone. Elsewhere only the pid is checked: a reused pid then
 * hides a capture until that other process ends, which loses nothing.
 */
import { readFileSync } from 'node:fs';

export interface ProcessIdentity {
  readonly pid: number;
  /** /proc/sys/kernel/random/boot_id (Linux): differs after every reboot. */
  readonly boot?: string;
  /** Start time of the process in clock ticks since boot (/proc/PID/stat, field 22; Linux). */
  readonly started?: string;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export function bootId(): string | undefined {
  return readText('/proc/sys/kernel/random/boot_id')?.trim() || undefined;
}

/** Fields 3.. of /proc/PID/stat; the command name (field 2) may hold spaces and parentheses, so count from the last ')'. */
function statFields(pid: number): string[] | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  return stat ? stat.slice(stat.lastIndexOf(')') + 2).split(' ') : undefined;
}

/** Field 22 of /proc/PID/stat (start time in clock ticks since boot). */
export function processStartTicks(pid: number): string | undefined {
  // fields[0] is field 3 (state), so field 22 is fields[19].
  const v = statFields(pid)?.[19];
  return v && /^\d+$/.test(v) ? v : undefined;
}

/**
 * A zombie has exited but was not reaped yet (kill(pid, 0) still succeeds on
 * it): where PID 1 does not reap orphans (some containers), a killed capture
 * program can stay one for good.
 */
function isZombie(pid: number): boolean {
  const state = statFields(pid)?.[0];
  return state === 'Z' || state === 'X';
}

/** Who `pid` is now (this process when absent). */
export function identityOf(pid: number = process.pid): ProcessIdentity {
  const boot = bootId();
  const started = processStartTicks(pid);
  return { pid, ...(boot ? { boot } : {}), ...(started ? { started } : {}) };
}

/** kill(pid, 0): ESRCH means gone; EPERM means it exists under another user; anything else counts as alive. */
export function pidExists(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** True while the process `who` describes still runs (same boot, same start time when known). */
export function stillRunning(who: ProcessIdentity): boolean {
  if (!pidExists(who.pid) || isZombie(who.pid)) return false;
  if (who.boot !== undefined) {
    const now = bootId();
    if (now !== undefined && now !== who.boot) return false; // rebooted since: every pid of then is gone
  }
  if (who.started !== undefined) {
    const now = processStartTicks(who.pid);
    if (now !== undefined && now !== who.started) return false; // the pid now names another process
  }
  return true;
}
