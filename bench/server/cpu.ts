import { readdirSync, readFileSync } from "node:fs";

/**
 * CPU time a server process (and its child processes) used, from /proc (Linux). On a shared machine
 * req/s moves with everyone else's load; CPU time per request much less, so it is reported beside them.
 */

const TICKS_PER_SECOND = 100;

function ticksOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // fields after the parenthesised command name, which may itself hold spaces
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
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
