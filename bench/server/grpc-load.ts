import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { credentials, type ServiceError } from "@grpc/grpc-js";
import { inferenceService } from "../../test/server/grpc-clients.js";
import { checkGrpcAnswer } from "./grpc-answer-check.js";
import { h2loadGrpcLoad, hasH2load } from "./grpc-h2load.js";
import type { LoadOptions, LoadResult } from "./http-load.js";
import { percentile } from "./percentile.js";
import { GRPC_REQUEST } from "./workload.js";

/**
 * gRPC load: `connections` ModelInfer calls in flight, back to back, for a fixed time. The generator, the
 * first one available unless BENCH_GRPC_LOAD names one (h2load, ghz or grpc-js):
 * - h2load (setup-h2load.sh installs it, grpc-h2load.ts): a C HTTP/2 client posting pre-encoded calls,
 *   light enough that the server, not the client, is what saturates;
 * - ghz (setup-ghz.sh builds it): a Go gRPC client, lighter than the servers but at about the CPU per
 *   call of our server, so it tops out before our server does;
 * - grpc-js callers spread over BENCH_GRPC_PROCESSES client processes (default 2), each with its own
 *   HTTP/2 channel, since a grpc-js client costs about as much CPU as a grpc-js server.
 * Whichever runs, one call from a real gRPC client before and one after each run must answer grpc-status 0
 * with the echoed row, or the run fails.
 */

type ModelInfer = (request: object, callback: (error: ServiceError | null) => void) => void;

interface Sample {
  latencies: number[];
  failures: number;
  seconds: number;
}

/** One client process's share: `connections` callers on one channel; resolves with every latency. */
export async function grpcCallers(
  port: number,
  connections: number,
  durationSeconds: number,
): Promise<Sample> {
  const client = new (inferenceService())(`127.0.0.1:${port}`, credentials.createInsecure());
  const infer = (client as unknown as { ModelInfer: ModelInfer }).ModelInfer.bind(client);
  const latencies: number[] = [];
  let failures = 0;
  const started = performance.now();
  const deadline = started + durationSeconds * 1000;
  const caller = () =>
    new Promise<void>((resolve) => {
      const next = () => {
        if (performance.now() >= deadline) {
          resolve();
          return;
        }
        const t0 = performance.now();
        infer(GRPC_REQUEST, (error) => {
          if (error) failures++;
          else latencies.push(performance.now() - t0);
          next();
        });
      };
      next();
    });
  await Promise.all(Array.from({ length: connections }, caller));
  client.close();
  return { latencies, failures, seconds: (performance.now() - started) / 1000 };
}

function runProcess(port: number, connections: number, durationSeconds: number): Promise<Sample> {
  const script = fileURLToPath(new URL("./grpc-load-process.ts", import.meta.url));
  const child = spawn(
    process.execPath,
    ["--import", "tsx", script, String(port), String(connections), String(durationSeconds)],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.once("exit", (code) =>
      code === 0 ? resolve(JSON.parse(out) as Sample) : reject(new Error(`gRPC load process exited ${code}`)),
    );
  });
}

export const GHZ = `${process.env.MODELSERVE_VENVS ?? "/work/venvs"}/ghz/bin/ghz`;

interface GhzReport {
  count: number;
  rps: number;
  statusCodeDistribution?: Record<string, number>;
  latencyDistribution: { percentage: number; latency: number }[] | null;
}

async function ghzLoad(port: number, options: LoadOptions): Promise<LoadResult> {
  const proto = fileURLToPath(new URL("../../proto/open_inference_grpc.proto", import.meta.url));
  const args = [
    "--insecure",
    `--proto=${proto}`,
    "--call=inference.GRPCInferenceService/ModelInfer",
    `--data=${JSON.stringify(GRPC_REQUEST)}`,
    `--concurrency=${options.connections}`,
    `--duration=${options.durationSeconds}s`,
    "--total=0",
    "--format=json",
    `127.0.0.1:${port}`,
  ];
  const out = await new Promise<string>((resolve, reject) => {
    execFile(GHZ, args, { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      error ? reject(new Error(`ghz failed: ${error.message}\n${stderr}`)) : resolve(stdout),
    );
  });
  const report = JSON.parse(out) as GhzReport;
  const at = (p: number) =>
    (report.latencyDistribution?.find((d) => d.percentage === p)?.latency ?? Number.NaN) / 1e6;
  const codes = report.statusCodeDistribution ?? {};
  const ok = codes.OK ?? 0;
  // ghz ends the calls still in flight at the deadline (one per caller at most) as Canceled/Unavailable
  const cutOff = Math.min(options.connections, (codes.Canceled ?? 0) + (codes.Unavailable ?? 0));
  return {
    requestsPerSecond: report.rps,
    p50Ms: at(50),
    p99Ms: at(99),
    requests: ok,
    failures: report.count - ok - cutOff,
  };
}

const GENERATORS = ["h2load", "ghz", "grpc-js"] as const;
type Generator = (typeof GENERATORS)[number];

const AVAILABLE: Record<Generator, () => boolean> = {
  h2load: hasH2load,
  ghz: () => existsSync(GHZ),
  "grpc-js": () => true,
};

function chosenGenerator(): Generator {
  const asked = process.env.BENCH_GRPC_LOAD;
  if (asked === undefined || asked === "") return GENERATORS.find((g) => AVAILABLE[g]())!;
  if (!(GENERATORS as readonly string[]).includes(asked)) {
    throw new Error(`BENCH_GRPC_LOAD must be one of ${GENERATORS.join(", ")}, got '${asked}'`);
  }
  const generator = asked as Generator;
  if (!AVAILABLE[generator]()) {
    throw new Error(`BENCH_GRPC_LOAD=${generator}, but ${generator} is not installed (see its setup script)`);
  }
  return generator;
}

const generator = chosenGenerator();

/** Which gRPC load generator this run uses (printed with the figures). */
export function grpcLoadGenerator(): string {
  const name = generator === "grpc-js" ? "grpc-js client processes" : generator;
  return `${name} (answers checked by a grpc-js call before and after each run)`;
}

async function grpcJsLoad(port: number, options: LoadOptions): Promise<LoadResult> {
  const processes = Math.max(1, Math.min(options.connections, Number(process.env.BENCH_GRPC_PROCESSES ?? 2)));
  const shares = Array.from(
    { length: processes },
    (_, i) => Math.floor(options.connections / processes) + (i < options.connections % processes ? 1 : 0),
  );
  const samples = await Promise.all(shares.map((n) => runProcess(port, n, options.durationSeconds)));
  const sorted = Float64Array.from(samples.flatMap((s) => s.latencies)).sort();
  const seconds = Math.max(...samples.map((s) => s.seconds));
  return {
    requestsPerSecond: sorted.length / seconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    requests: sorted.length,
    failures: samples.reduce((n, s) => n + s.failures, 0),
  };
}

const LOADS: Record<Generator, (port: number, options: LoadOptions) => Promise<LoadResult>> = {
  h2load: h2loadGrpcLoad,
  ghz: ghzLoad,
  "grpc-js": grpcJsLoad,
};

export async function grpcLoad(port: number, options: LoadOptions): Promise<LoadResult> {
  const who = `the gRPC server on port ${port}`;
  await checkGrpcAnswer(port, `${who}, before the run`);
  const result = await LOADS[generator](port, options);
  await checkGrpcAnswer(port, `${who}, after the run`);
  return result;
}
