import { readFileSync } from "node:fs";

/**
 * Identifies a process beyond its pid: pids are reused, so a run remembers the pid together with the
 * process's start time (in clock ticks since boot, /proc/<pid>/stat field 22) and the kernel's boot id.
 * A later check that finds another start time or another boot is looking at a different process.
 */
export interface ProcessIdentity {
  pid: number;
  /** /proc/<pid>/stat starttime; undefined where /proc is not available */
  startTicks?: number;
  /** /proc/sys/kernel/random/boot_id at the time the process was seen */
  bootId?: string;
}

export type Liveness = "alive" | "gone" | "rebooted";

export function currentBootId(): string | undefined {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return undefined;
  }
}

function startTicksOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may contain spaces and parentheses: fields restart after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[19]);
  } catch {
    return undefined;
  }
}

export function identify(pid: number): ProcessIdentity {
  return { pid, startTicks: startTicksOf(pid), bootId: currentBootId() };
}

export function liveness(id: ProcessIdentity): Liveness {
  const boot = currentBootId();
  if (id.bootId && boot && id.bootId !== boot) return "rebooted";
  try {
    process.kill(id.pid, 0);
  } catch {
    // EPERM: it exists but belongs to someone else, so it is not ours.
    return "gone";
  }
  if (id.startTicks !== undefined) {
    const now = startTicksOf(id.pid);
    if (now !== id.startTicks) return "gone";
    if (isZombie(id.pid)) return "gone";
  }
  return "alive";
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) === "Z";
  } catch {
    return false;
  }
}
