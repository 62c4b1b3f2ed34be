import { readdirSync, readFileSync } from "node:fs";

/**
 * CPU time a server process (and its child processes) used, from /proc (Linux). On a shared machine
 * req/s moves with everyone else's load; CPU time per request much less, so it is reported beside them.
 */

const TICKS_PER_SECOND = 100;

/** /proc/<pid>/stat's fields after the parenthesised command name, which may itself hold spaces. */
function statFields(pid: number | "self"): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

function ticksOf(pid: number): number {
  try {
    const fields = statFields(pid);
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/**
 * User + system CPU seconds of this process's children that have exited and been waited for: the delta
 * across a load generator's run is that generator's CPU when it was the only child to exit meanwhile.
 */
export function exitedChildrenCpuSeconds(): number {
  const fields = statFields("self");
  return (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND;
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim();
      if (text !== "") for (const child of text.split(" ")) out.push(Number(child));
    }
  } catch {
    // the process is gone
  }
  return out;
}

/** User + system CPU seconds of a process tree so far. */
export function cpuSecondsOfTree(pid: number): number {
  let ticks = 0;
  const pending = [pid];
  while (pending.length > 0) {
    const next = pending.pop()!;
    ticks += ticksOf(next);
    pending.push(...childrenOf(next));
  }
  return ticks / TICKS_PER_SECOND;
}
