import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { intFromEnv } from "../env.js";
import { grpcLoad, grpcLoadGenerator } from "./grpc-load.js";
import { httpLoad, httpLoadGenerator, type LoadOptions, type LoadResult } from "./http-load.js";
import { pinningDescription, pinSelfToLoadCpus } from "./pinning.js";
import { type Running, startMlserver, startNodeServer } from "./processes.js";
import { MODEL, REST_BODY, REST_PATH, ROW } from "./workload.js";

/**
 * The server benchmark (`npm run bench:server`): the same single-row V2 request, keep-alive, fixed
 * concurrency and duration, against (a) a raw node:http server answering a constant JSON (this machine's
 * ceiling), (a') a raw node:http server that parses the body and writes the echo with JSON.parse/stringify
 * (json-echo-server.ts, the least work any V2 server has on top of the ceiling), (b) modelserve with the noop
 * runtime, (c) MLServer with an equivalent echo model; prints
 * req/s, p50/p99 latency and the ratios the inference server's issue sets as goals.
 * Settings (environment): BENCH_CONNECTIONS (default 64), BENCH_DURATION seconds per run (default 5),
 * BENCH_ROUNDS (default 5; the median round is reported), BENCH_WARMUP seconds (default 2), BENCH_PIN=0 (no CPU
 * pinning, see pinning.ts), BENCH_HTTP_LOAD=autocannon (even when wrk is installed), MODELSERVE_VENVS (where
 * setup-mlserver.sh put the MLServer venv), BENCH_BASELINE=<another checkout, e.g. a `git worktree` of an
 * older commit> (its modelserve is measured over REST beside this tree's, for a before/after in one run).
 */

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

const options: LoadOptions = {
  connections: intFromEnv("BENCH_CONNECTIONS", 64),
  durationSeconds: intFromEnv("BENCH_DURATION", 5),
};
const warmup: LoadOptions = {
  connections: options.connections,
  durationSeconds: intFromEnv("BENCH_WARMUP", 2),
};
const rounds = intFromEnv("BENCH_ROUNDS", 5);
const mlserverVenv = `${process.env.MODELSERVE_VENVS ?? "/work/venvs"}/mlserver`;
const baselineTree = process.env.BENCH_BASELINE;
const BASELINE = "modelserve baseline";
const JSON_ECHO = "node:http JSON echo";

interface Measured extends LoadResult {
  /** server CPU time per answered request, in microseconds */
  cpuMicrosPerRequest: number;
  /**
   * the server's CPU time over the run's wall time: near 1 (one core) when the server was the bottleneck;
   * well below when the scheduler gave its core to other processes or the load generator could not keep up
   */
  cpuShare: number;
}

interface Row {
  target: string;
  transport: "REST" | "gRPC";
  /** the median round */
  result: Measured;
  rounds: Measured[];
}

interface Job {
  target: string;
  transport: Row["transport"];
  server: Running;
  load(port: number, o: LoadOptions): Promise<LoadResult>;
  port: number;
}

async function run(job: Job, o: LoadOptions): Promise<Measured> {
  const cpuBefore = job.server.cpuSeconds();
  const started = performance.now();
  const result = await job.load(job.port, o);
  const seconds = (performance.now() - started) / 1000;
  const cpu = job.server.cpuSeconds() - cpuBefore;
  return {
    ...result,
    cpuMicrosPerRequest: (cpu * 1e6) / Math.max(1, result.requests),
    cpuShare: cpu / seconds,
  };
}

/** One request first: a server that answers wrongly must not be benchmarked. */
async function checkAnswer(port: number, who: string): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}${REST_PATH}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: REST_BODY,
  });
  const body = (await res.json()) as { outputs?: { data?: number[] }[] };
  const data = body.outputs?.[0]?.data;
  const close = data?.length === ROW.length && data.every((v, i) => Math.abs(v - ROW[i]) < 1e-6);
  if (res.status !== 200 || !close) {
    throw new Error(`${who} answered ${res.status} ${JSON.stringify(body)} instead of echoing the row`);
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** The round whose req/s is the median, so req/s and its latencies come from the same run. */
function medianRun(results: Measured[]): Measured {
  const m = median(results.map((r) => r.requestsPerSecond));
  return results.find((r) => r.requestsPerSecond === m)!;
}

/**
 * Every server stays up for the whole run and the targets are measured in turn, round after round:
 * on a shared machine a load spike then hits every target alike instead of one of them.
 */
async function measureAll(jobs: Job[]): Promise<Row[]> {
  const results = jobs.map(() => [] as Measured[]);
  for (const job of jobs) await run(job, warmup);
  for (let round = 1; round <= rounds; round++) {
    for (let i = 0; i < jobs.length; i++) {
      const result = await run(jobs[i], options);
      results[i].push(result);
      process.stderr.write(
        `  round ${round}/${rounds} ${jobs[i].target} ${jobs[i].transport}: ${result.requestsPerSecond.toFixed(0)} req/s\n`,
      );
    }
  }
  return jobs.map((job, i) => ({
    target: job.target,
    transport: job.transport,
    result: medianRun(results[i]),
    rounds: results[i],
  }));
}

function table(rows: Row[]): string {
  const header = [
    "target",
    "transport",
    "req/s",
    "p50 ms",
    "p99 ms",
    "server CPU µs/req",
    "server CPU share",
    "requests",
    "failures",
  ];
  const lines = rows.map((r) => [
    r.target,
    r.transport,
    r.result.requestsPerSecond.toFixed(0),
    r.result.p50Ms.toFixed(2),
    r.result.p99Ms.toFixed(2),
    r.result.cpuMicrosPerRequest.toFixed(0),
    `${(100 * r.result.cpuShare).toFixed(0)}%`,
    String(r.result.requests),
    String(r.result.failures),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  return [header, ...lines].map((l) => l.map((c, i) => c.padEnd(widths[i])).join("  ")).join("\n");
}

function verdict(ok: boolean): string {
  return ok ? "goal met" : "GOAL MISSED";
}

/**
 * A ratio between two targets, taken round by round (both measured minutes apart at most) and then the
 * median over rounds: steadier than a ratio of medians when the machine's load drifts.
 */
function ratioOf(a: Row, b: Row, metric: (m: Measured) => number): number {
  return median(a.rounds.map((m, i) => metric(m) / metric(b.rounds[i])));
}

function ratios(rows: Row[]): string[] {
  const find = (target: string, transport: Row["transport"]) =>
    rows.find((r) => r.target === target && r.transport === transport);
  const rps = (m: Measured) => m.requestsPerSecond;
  const p99 = (m: Measured) => m.p99Ms;
  const cpu = (m: Measured) => m.cpuMicrosPerRequest;
  const out = ["ratios (median over rounds of each round's ratio):"];
  const ceiling = find("node:http constant", "REST");
  const ours = find("modelserve noop", "REST");
  if (ceiling && ours) {
    const r = ratioOf(ours, ceiling, rps);
    out.push(
      `modelserve REST / node:http ceiling, req/s: ${(100 * r).toFixed(1)}% (goal >= 80%: ${verdict(r >= 0.8)})`,
    );
    const c = ratioOf(ceiling, ours, cpu);
    out.push(`  by server CPU per request (req/s one core would give): ${(100 * c).toFixed(1)}%`);
  }
  const jsonEcho = find(JSON_ECHO, "REST");
  if (ceiling && jsonEcho) {
    out.push(
      `${JSON_ECHO} (parse, id, stringify; no validation) / node:http ceiling, by server CPU per request: ${(100 * ratioOf(ceiling, jsonEcho, cpu)).toFixed(1)}%`,
    );
  }
  if (jsonEcho && ours) {
    out.push(
      `modelserve REST / ${JSON_ECHO}, by server CPU per request: ${(100 * ratioOf(jsonEcho, ours, cpu)).toFixed(1)}%`,
    );
  }
  const baseline = find(BASELINE, "REST");
  if (ceiling && baseline) {
    out.push(
      `${BASELINE} REST / node:http ceiling, by server CPU per request: ${(100 * ratioOf(ceiling, baseline, cpu)).toFixed(1)}%`,
    );
  }
  if (ours && baseline) {
    out.push(
      `modelserve / ${BASELINE} REST, server CPU per request: ${ratioOf(ours, baseline, cpu).toFixed(3)}; req/s: ${ratioOf(ours, baseline, rps).toFixed(3)}`,
    );
  }
  for (const transport of ["REST", "gRPC"] as const) {
    const mine = find("modelserve noop", transport);
    const theirs = find("MLServer echo", transport);
    if (!mine || !theirs) continue;
    const speed = ratioOf(mine, theirs, rps);
    const tail = ratioOf(mine, theirs, p99);
    out.push(
      `modelserve / MLServer ${transport}, req/s: ${speed.toFixed(1)}x (goal >= 10x: ${verdict(speed >= 10)}); ` +
        `p99: ${tail.toFixed(3)} of MLServer's (goal <= 0.2: ${verdict(tail <= 0.2)})`,
    );
    out.push(`  by server CPU per request: ${ratioOf(theirs, mine, cpu).toFixed(1)}x`);
  }
  return out;
}

async function main(): Promise<void> {
  process.stderr.write(
    `server benchmark: ${options.connections} connections, ${rounds} rounds of ${options.durationSeconds} s per target after ${warmup.durationSeconds} s warm-up; REST load from ${httpLoadGenerator()}, gRPC load from ${grpcLoadGenerator()}; ${pinningDescription()}\n`,
  );
  pinSelfToLoadCpus();
  const servers: Running[] = [];
  try {
    const ceiling = await startNodeServer(here("./ceiling-server.ts"));
    servers.push(ceiling);
    await checkAnswer(ceiling.ports.http, "the ceiling server");
    const jsonEcho = await startNodeServer(here("./json-echo-server.ts"));
    servers.push(jsonEcho);
    await checkAnswer(jsonEcho.ports.http, "the JSON echo server");
    const ours = await startNodeServer(here("./modelserve-server.ts"));
    servers.push(ours);
    await checkAnswer(ours.ports.http, "modelserve");
    const jobs: Job[] = [
      {
        target: "node:http constant",
        transport: "REST",
        server: ceiling,
        load: httpLoad,
        port: ceiling.ports.http,
      },
      {
        target: JSON_ECHO,
        transport: "REST",
        server: jsonEcho,
        load: httpLoad,
        port: jsonEcho.ports.http,
      },
      { target: "modelserve noop", transport: "REST", server: ours, load: httpLoad, port: ours.ports.http },
      { target: "modelserve noop", transport: "gRPC", server: ours, load: grpcLoad, port: ours.ports.grpc! },
    ];
    if (baselineTree !== undefined) {
      const baseline = await startNodeServer(resolve(baselineTree, "bench/server/modelserve-server.ts"));
      servers.push(baseline);
      await checkAnswer(baseline.ports.http, BASELINE);
      // measured right after ours, round by round
      const after = jobs.findIndex((j) => j.target === "modelserve noop" && j.transport === "REST") + 1;
      jobs.splice(after, 0, {
        target: BASELINE,
        transport: "REST",
        server: baseline,
        load: httpLoad,
        port: baseline.ports.http,
      });
    }
    if (existsSync(`${mlserverVenv}/bin/mlserver`)) {
      const mlserver = await startMlserver(mlserverVenv, here("./mlserver_model"), MODEL);
      servers.push(mlserver);
      await checkAnswer(mlserver.ports.http, "MLServer");
      jobs.push(
        {
          target: "MLServer echo",
          transport: "REST",
          server: mlserver,
          load: httpLoad,
          port: mlserver.ports.http,
        },
        {
          target: "MLServer echo",
          transport: "gRPC",
          server: mlserver,
          load: grpcLoad,
          port: mlserver.ports.grpc!,
        },
      );
    } else {
      process.stderr.write(
        `MLServer skipped: no venv at ${mlserverVenv} (run bench/server/setup-mlserver.sh)\n`,
      );
    }
    const rows = await measureAll(jobs);
    console.log(table(rows));
    console.log("");
    for (const line of ratios(rows)) console.log(line);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

await main();
