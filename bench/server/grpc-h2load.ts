import { execFile, execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exitedChildrenCpuSeconds } from "./cpu.js";
import type { LoadOptions, LoadResult } from "./http-load.js";
import { percentile } from "./percentile.js";
import { GRPC_FRAMED_REQUEST } from "./workload.js";

/**
 * gRPC load from h2load (nghttp2's HTTP/2 load generator, in C; setup-h2load.sh installs it): it POSTs the
 * pre-encoded ModelInfer call (workload.ts) with gRPC's headers and never parses a message, so it needs a
 * few µs of CPU per call where the servers need tens to hundreds. Like ghz by default, it keeps every call
 * on ONE connection, `connections` streams in flight on it: the same load as before, and the way a gRPC
 * channel multiplexes calls. h2load sees HTTP statuses only, not grpc-status (a trailer), so grpc-load.ts
 * checks the answer with a real gRPC client around each run.
 */

const MODEL_INFER_PATH = "/inference.GRPCInferenceService/ModelInfer";

export function hasH2load(): boolean {
  try {
    execFileSync("h2load", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

interface H2loadSummary {
  seconds: number;
  started: number;
  done: number;
  /** errored streams and answers with a 4xx/5xx status */
  failed: number;
}

function count(out: string, label: string): number {
  const match = new RegExp(`(\\d+) ${label}\\b`).exec(out);
  if (match === null) throw new Error(`h2load printed no '${label}' count:\n${out}`);
  return Number(match[1]);
}

function summary(out: string): H2loadSummary {
  const finished = /finished in ([\d.]+)(s|ms|us),/.exec(out);
  if (finished === null) throw new Error(`h2load printed no duration:\n${out}`);
  const unit = { s: 1, ms: 1e-3, us: 1e-6 }[finished[2] as "s" | "ms" | "us"];
  return {
    seconds: Number(finished[1]) * unit,
    started: count(out, "started"),
    done: count(out, "done"),
    failed: count(out, "failed"),
  };
}

/** --log-file rows: start time (µs since the epoch), HTTP status, µs until the end of the answer. */
function logRows(log: string): { status: number; micros: number }[] {
  return log
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => {
      const [, status, micros] = line.split("\t");
      return { status: Number(status), micros: Number(micros) };
    });
}

export async function h2loadGrpcLoad(port: number, options: LoadOptions): Promise<LoadResult> {
  const dir = await mkdtemp(join(tmpdir(), "bench-h2load-"));
  try {
    const body = join(dir, "model-infer.bin");
    const log = join(dir, "requests.tsv");
    await writeFile(body, GRPC_FRAMED_REQUEST);
    const args = [
      "--clients=1",
      `--max-concurrent-streams=${options.connections}`,
      "--threads=1",
      `--duration=${options.durationSeconds}`,
      `--data=${body}`,
      "--header=content-type: application/grpc",
      "--header=te: trailers",
      `--log-file=${log}`,
      `http://127.0.0.1:${port}${MODEL_INFER_PATH}`,
    ];
    const cpuBefore = exitedChildrenCpuSeconds();
    const out = await new Promise<string>((resolve, reject) => {
      execFile("h2load", args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
        error ? reject(new Error(`h2load failed: ${error.message}\n${stdout}\n${stderr}`)) : resolve(stdout),
      );
    });
    const cpuSeconds = exitedChildrenCpuSeconds() - cpuBefore;
    const figures = summary(out);
    // the calls still in flight when the duration ends are neither done nor failed; fewer than asked for
    // means the server capped concurrent streams below the load we meant to apply
    const inFlight = figures.started - figures.done;
    if (inFlight < options.connections) {
      process.stderr.write(
        `  h2load: only ${inFlight} of ${options.connections} calls in flight at the end (server's stream limit?)\n`,
      );
    }
    // printed so a run shows whether the load generator had CPU to spare (it should, by far)
    process.stderr.write(
      `  h2load against port ${port}: ${((cpuSeconds * 1e6) / Math.max(1, figures.done)).toFixed(1)} µs CPU per call, ` +
        `${((100 * cpuSeconds) / figures.seconds).toFixed(0)}% of a core\n`,
    );
    const rows = logRows(await readFile(log, "utf8"));
    const ok = rows.filter((r) => r.status === 200);
    const sorted = Float64Array.from(ok, (r) => r.micros / 1000).sort();
    // h2load counts 2xx other than 200 and 3xx as succeeded (4xx, 5xx and errors are already in `failed`);
    // for a gRPC call only 200 is an answer
    const oddSuccesses = rows.filter((r) => r.status !== 200 && r.status >= 200 && r.status < 400).length;
    return {
      requestsPerSecond: ok.length / figures.seconds,
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
      requests: ok.length,
      failures: figures.failed + oddSuccesses,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
