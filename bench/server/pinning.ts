import { execFileSync } from "node:child_process";
import { availableParallelism } from "node:os";

/**
 * Keeps the load generator off the servers' CPU. On a 2-core machine an unpinned load generator and
 * server fight over both cores, so req/s measures the scheduler as much as the server; pinned, each
 * server gets one core of its own (the last) and the load generator the others. BENCH_PIN=0 turns it off.
 */

function hasTaskset(): boolean {
  try {
    execFileSync("taskset", ["-V"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const cpus = availableParallelism();
const enabled = process.env.BENCH_PIN !== "0" && cpus >= 2 && hasTaskset();

const serverCpu = String(cpus - 1);
const loadCpus = cpus === 2 ? "0" : `0-${cpus - 2}`;

/** A benchmarked server's command: on the last CPU (unchanged when pinning is off). */
export function onServerCpu(command: string, args: string[]): [string, string[]] {
  return enabled ? ["taskset", ["-c", serverCpu, command, ...args]] : [command, args];
}

/**
 * Moves this process (every thread) to the load generators' CPUs: autocannon runs in it, and wrk, ghz
 * and the grpc-js client processes it starts inherit them.
 */
export function pinSelfToLoadCpus(): void {
  if (enabled)
    execFileSync("taskset", ["-a", "-p", "-c", loadCpus, String(process.pid)], { stdio: "ignore" });
}

/** Printed with the figures. */
export function pinningDescription(): string {
  return enabled
    ? `servers pinned to CPU ${serverCpu}, load generators to CPU ${loadCpus}`
    : "no CPU pinning";
}
