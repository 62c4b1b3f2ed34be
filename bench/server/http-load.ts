import { execFile, execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { REST_BODY, REST_PATH } from "./workload.js";

/**
 * REST load: keep-alive connections, one request in flight on each, for a fixed time. With wrk when it is
 * installed (apt-get install wrk): written in C, it needs a fraction of the CPU of the servers it
 * measures; otherwise autocannon, whose Node.js client costs about as much CPU as a Node.js server.
 */

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** transport errors, timeouts and non-2xx answers: any of them makes the figures suspect */
  failures: number;
}

export interface LoadOptions {
  connections: number;
  durationSeconds: number;
}

function hasWrk(): boolean {
  try {
    execFileSync("wrk", ["-v"], { stdio: "ignore" });
    return true;
  } catch (e) {
    // wrk -v prints its version and exits 1
    return (e as { status?: number }).status === 1;
  }
}

const useWrk = process.env.BENCH_HTTP_LOAD !== "autocannon" && hasWrk();

/** Which REST load generator this run uses (printed with the figures). */
export function httpLoadGenerator(): string {
  return useWrk ? "wrk" : "autocannon";
}

interface WrkFigures {
  requests: number;
  duration_us: number;
  p50_us: number;
  p99_us: number;
  errors: number;
  non2xx: number;
}

async function wrkLoad(port: number, options: LoadOptions): Promise<LoadResult> {
  const script = fileURLToPath(new URL("./wrk-post.lua", import.meta.url));
  const args = [
    "-t1",
    `-c${options.connections}`,
    `-d${options.durationSeconds}s`,
    "--timeout",
    "10s",
    "-s",
    script,
    `http://127.0.0.1:${port}${REST_PATH}`,
  ];
  const out = await new Promise<string>((resolve, reject) => {
    execFile("wrk", args, { env: { ...process.env, BENCH_BODY: REST_BODY } }, (error, stdout, stderr) =>
      error ? reject(new Error(`wrk failed: ${error.message}\n${stderr}`)) : resolve(stdout),
    );
  });
  const line = out.split("\n").find((l) => l.startsWith('{"requests":'));
  if (line === undefined) throw new Error(`wrk printed no figures:\n${out}`);
  const f = JSON.parse(line) as WrkFigures;
  return {
    requestsPerSecond: f.requests / (f.duration_us / 1e6),
    p50Ms: f.p50_us / 1000,
    p99Ms: f.p99_us / 1000,
    requests: f.requests - f.non2xx,
    failures: f.errors + f.non2xx,
  };
}

async function autocannonLoad(port: number, options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${REST_PATH}`,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: REST_BODY,
    connections: options.connections,
    pipelining: 1,
    duration: options.durationSeconds,
    timeout: 10,
  });
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    failures: result.errors + result.timeouts + result.non2xx,
  };
}

export function httpLoad(port: number, options: LoadOptions): Promise<LoadResult> {
  return useWrk ? wrkLoad(port, options) : autocannonLoad(port, options);
}
