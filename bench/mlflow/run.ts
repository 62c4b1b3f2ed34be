import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { intFromEnv } from "../env.js";
import { type Running, startNodeServer } from "../server/processes.js";
import { startMlflowServer } from "./mlflow-server.js";
import { sequentialLatency } from "./sequential.js";
import { type Workload, workloadOf } from "./workload.js";

/**
 * MLflow's scoring protocol, modelserve against `mlflow models serve --env-manager local` (`npm run
 * bench:mlflow`): the same model folders (the sklearn and onnx fixtures), the same bodies (each model's
 * serving_input_example as one row, and as a batch of BENCH_BATCH_ROWS rows), the same load. One row:
 * req/s with BENCH_CONNECTIONS keep-alive clients (autocannon), latency p50/p99 of one request at a time
 * (timed in µs); batch: one request at a time (latency, and the req/s that gives). Both servers stay up and
 * are measured in turn, round after round (BENCH_ROUNDS, median round reported; ratios are medians of
 * per-round ratios), so a load spike on the shared machine hits both.
 * Settings: BENCH_CONNECTIONS (8), BENCH_DURATION seconds (5), BENCH_WARMUP seconds (2), BENCH_ROUNDS (3),
 * BENCH_BATCH_ROWS (1000), MLFLOW_VENV (/work/venvs/mlflow, made by fixtures/mlflow/make_venv.sh).
 */

const fixture = (name: string) =>
  fileURLToPath(new URL(`../../fixtures/mlflow/models/${name}`, import.meta.url));
const MODELS = [
  { flavor: "sklearn", folder: fixture("sklearn_iris_proba") },
  { flavor: "onnx", folder: fixture("onnx_iris") },
];

const connections = intFromEnv("BENCH_CONNECTIONS", 8);
const duration = intFromEnv("BENCH_DURATION", 5);
const warmupSeconds = intFromEnv("BENCH_WARMUP", 2);
const rounds = intFromEnv("BENCH_ROUNDS", 3);
const batchRows = intFromEnv("BENCH_BATCH_ROWS", 1000);
const venv = process.env.MLFLOW_VENV ?? "/work/venvs/mlflow";

interface Measured {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  failures: number;
  cpuMicrosPerRequest: number;
}

async function throughput(server: Running, body: string, seconds: number) {
  const cpuBefore = server.cpuSeconds();
  const r = await autocannon({
    url: `http://127.0.0.1:${server.ports.http}/invocations`,
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
    connections,
    pipelining: 1,
    duration: seconds,
    timeout: 30,
  });
  const cpu = server.cpuSeconds() - cpuBefore;
  return {
    rps: r.requests.average,
    requests: r.requests.total,
    failures: r.errors + r.timeouts + r.non2xx,
    cpuMicrosPerRequest: (cpu * 1e6) / Math.max(1, r.requests.total),
  };
}

/** One row: req/s under concurrent load, then the latency of requests one at a time. */
async function measureSingle(server: Running, body: string, seconds: number): Promise<Measured> {
  const load = await throughput(server, body, seconds);
  const latency = await sequentialLatency(server.ports.http, body, seconds);
  return { ...load, p50: latency.p50, p99: latency.p99, failures: load.failures + latency.failures };
}

/** A batch: requests one at a time; req/s is what that latency allows. */
async function measureBatch(server: Running, body: string, seconds: number): Promise<Measured> {
  const cpuBefore = server.cpuSeconds();
  const latency = await sequentialLatency(server.ports.http, body, seconds);
  const cpu = server.cpuSeconds() - cpuBefore;
  return {
    rps: latency.requests / seconds,
    p50: latency.p50,
    p99: latency.p99,
    requests: latency.requests,
    failures: latency.failures,
    cpuMicrosPerRequest: (cpu * 1e6) / Math.max(1, latency.requests),
  };
}

/** Both servers must give the same predictions before their speed means anything. */
async function checkSameAnswers(ours: Running, theirs: Running, body: string, what: string): Promise<void> {
  const answer = async (s: Running) => {
    const res = await fetch(`http://127.0.0.1:${s.ports.http}/invocations`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    return { status: res.status, text: await res.text() };
  };
  const [a, b] = [await answer(ours), await answer(theirs)];
  if (a.status !== 200 || b.status !== 200) {
    throw new Error(
      `${what}: modelserve ${a.status} ${a.text.slice(0, 300)} / mlflow ${b.status} ${b.text.slice(0, 300)}`,
    );
  }
  // NaN is how both write a missing value; parse them as Python would by mapping the literal to null
  const parse = (t: string) => JSON.parse(t.replace(/\bNaN\b/g, "null")) as unknown;
  const close = (x: unknown, y: unknown): boolean => {
    if (typeof x === "number" && typeof y === "number")
      return Math.abs(x - y) <= 1e-6 * Math.max(1, Math.abs(y));
    if (Array.isArray(x) && Array.isArray(y))
      return x.length === y.length && x.every((v, i) => close(v, y[i]));
    if (x && y && typeof x === "object" && typeof y === "object") {
      const kx = Object.keys(x);
      return kx.length === Object.keys(y).length && kx.every((k) => close((x as never)[k], (y as never)[k]));
    }
    return x === y;
  };
  if (!close(parse(a.text), parse(b.text))) {
    throw new Error(
      `${what}: the predictions differ:\nmodelserve ${a.text.slice(0, 300)}\nmlflow     ${b.text.slice(0, 300)}`,
    );
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Row {
  flavor: string;
  shape: string;
  server: "modelserve" | "mlflow";
  rounds: Measured[];
}

function medianRound(row: Row): Measured {
  const m = median(row.rounds.map((r) => r.rps));
  return row.rounds.find((r) => r.rps === m)!;
}

function table(header: string[], lines: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  return [header, ...lines].map((l) => l.map((c, i) => c.padEnd(widths[i])).join("  ")).join("\n");
}

async function benchModel(flavor: string, folder: string, rows: Row[]): Promise<void> {
  const work: Workload = workloadOf(folder, batchRows);
  process.stderr.write(`${flavor}: starting modelserve and mlflow models serve on ${folder}\n`);
  const ours = await startNodeServer(fileURLToPath(new URL("modelserve-server.ts", import.meta.url)), [
    folder,
  ]);
  let theirs: Running | undefined;
  try {
    theirs = await startMlflowServer(venv, folder);
    await checkSameAnswers(ours, theirs, work.single, `${flavor} single row`);
    await checkSameAnswers(ours, theirs, work.batch, `${flavor} batch`);
    const shapes = [
      { shape: "1 row", body: work.single, measure: measureSingle },
      { shape: `${batchRows} rows`, body: work.batch, measure: measureBatch },
    ];
    const servers = [
      { server: "modelserve" as const, running: ours },
      { server: "mlflow" as const, running: theirs },
    ];
    const mine: Row[] = [];
    for (const s of shapes)
      for (const v of servers) mine.push({ flavor, shape: s.shape, server: v.server, rounds: [] });
    for (const s of shapes) for (const v of servers) await s.measure(v.running, s.body, warmupSeconds);
    for (let round = 1; round <= rounds; round++) {
      let i = 0;
      for (const s of shapes) {
        for (const v of servers) {
          const m = await s.measure(v.running, s.body, duration);
          mine[i++].rounds.push(m);
          process.stderr.write(
            `  round ${round}/${rounds} ${flavor} ${s.shape} ${v.server}: ${m.rps.toFixed(0)} req/s, p50 ${m.p50.toFixed(3)} ms\n`,
          );
        }
      }
    }
    rows.push(...mine);
  } finally {
    await ours.stop();
    await theirs?.stop();
  }
}

function ratio(
  rows: Row[],
  flavor: string,
  shape: string,
  metric: (m: Measured) => number,
  inverse: boolean,
): string {
  const ours = rows.find((r) => r.flavor === flavor && r.shape === shape && r.server === "modelserve")!;
  const theirs = rows.find((r) => r.flavor === flavor && r.shape === shape && r.server === "mlflow")!;
  const perRound = ours.rounds.map((m, i) =>
    inverse ? metric(theirs.rounds[i]) / metric(m) : metric(m) / metric(theirs.rounds[i]),
  );
  return `${median(perRound).toFixed(1)}x`;
}

async function main(): Promise<void> {
  if (!existsSync(`${venv}/bin/mlflow`)) {
    throw new Error(`no mlflow at ${venv}: run fixtures/mlflow/make_venv.sh (bench/mlflow/bench.sh does)`);
  }
  const rows: Row[] = [];
  for (const { flavor, folder } of MODELS) await benchModel(flavor, folder, rows);
  console.log(
    `\nMLflow scoring protocol (/invocations), modelserve vs mlflow models serve --env-manager local; ` +
      `1 row: req/s with ${connections} connections, latency one request at a time; ${batchRows} rows: one ` +
      `request at a time; ${duration} s per measure x ${rounds} rounds (median round)\n`,
  );
  console.log(
    table(
      [
        "flavor",
        "request",
        "server",
        "req/s",
        "p50 ms",
        "p99 ms",
        "server CPU µs/req",
        "requests",
        "failures",
      ],
      rows.map((r) => {
        const m = medianRound(r);
        return [
          r.flavor,
          r.shape,
          r.server,
          m.rps.toFixed(0),
          m.p50.toFixed(3),
          m.p99.toFixed(3),
          m.cpuMicrosPerRequest.toFixed(0),
          String(m.requests),
          String(m.failures),
        ];
      }),
    ),
  );
  console.log("\nratios (modelserve relative to mlflow; > 1 is modelserve better):");
  const shapes = [...new Set(rows.map((r) => r.shape))];
  console.log(
    table(
      ["flavor", "request", "req/s", "p50 latency", "p99 latency", "CPU per request"],
      MODELS.flatMap(({ flavor }) =>
        shapes.map((shape) => [
          flavor,
          shape,
          ratio(rows, flavor, shape, (m) => m.rps, false),
          ratio(rows, flavor, shape, (m) => m.p50, true),
          ratio(rows, flavor, shape, (m) => m.p99, true),
          ratio(rows, flavor, shape, (m) => m.cpuMicrosPerRequest, true),
        ]),
      ),
    ),
  );
  const failures = rows.reduce((n, r) => n + r.rounds.reduce((k, m) => k + m.failures, 0), 0);
  if (failures > 0) console.log(`\nWARNING: ${failures} failed requests: the figures are suspect`);
}

await main();
