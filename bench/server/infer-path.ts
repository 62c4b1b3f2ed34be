import { resolve } from "node:path";
import { intFromEnv } from "../env.js";
import { MODEL, REST_BODY } from "./workload.js";

/**
 * The REST inference path without the network: inferHttp (decode, DataPlane with the noop model, encode)
 * on the benchmark's body, in this process. With BENCH_BASELINE=<another checkout> (e.g. a `git worktree`
 * of an older commit) it runs that tree's code beside this one, alternating in short slices, and prints
 * CPU µs per request of each and their ratio (median over slices): an A/B that load on the machine hits
 * alike. `node --import tsx bench/server/infer-path.ts`; BENCH_ROUNDS slices (default 20) of
 * BENCH_CALLS calls (default 20000).
 */

interface Target {
  label: string;
  call: () => unknown;
}

async function targetFrom(root: string, label: string): Promise<Target> {
  const from = (file: string) => import(resolve(root, file));
  const { DataPlane } = await from("src/server/dataplane.ts");
  const { ModelRegistry } = await from("src/server/model-registry.ts");
  const { RuntimeRegistry } = await from("src/runtimes/registry.ts");
  const { ServerMetrics } = await from("src/server/metrics.ts");
  const { inferHttp } = await from("src/server/rest/infer-route.ts");
  const runtimes = new RuntimeRegistry();
  const registry = new ModelRegistry(async (settings: { implementation: string }) =>
    (await runtimes.resolve(settings.implementation)).load(settings),
  );
  await registry.load({ name: MODEL, implementation: "noop" });
  const dataplane = new DataPlane({ registry, observer: new ServerMetrics() });
  const body = Buffer.from(REST_BODY);
  const params = { model: MODEL };
  return { label, call: () => inferHttp(dataplane, params, undefined, body) };
}

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

function slice(target: Target, calls: number): number {
  const started = cpuMicros();
  for (let i = 0; i < calls; i++) target.call();
  return (cpuMicros() - started) / calls;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const rounds = intFromEnv("BENCH_ROUNDS", 20);
const calls = intFromEnv("BENCH_CALLS", 20_000);
const targets = [await targetFrom(resolve(import.meta.dirname, "../.."), "this tree")];
if (process.env.BENCH_BASELINE) targets.push(await targetFrom(process.env.BENCH_BASELINE, "baseline"));
const micros = targets.map(() => [] as number[]);
for (const t of targets) slice(t, calls); // warm-up: optimised code before measuring
for (let r = 0; r < rounds; r++) {
  for (let i = 0; i < targets.length; i++) micros[i].push(slice(targets[i], calls));
}
for (let i = 0; i < targets.length; i++) {
  console.log(
    `${targets[i].label}: ${median(micros[i]).toFixed(2)} µs CPU per request (median of ${rounds} slices)`,
  );
}
if (targets.length === 2) {
  const ratios = micros[0].map((m, r) => m / micros[1][r]);
  console.log(`this tree / baseline: ${median(ratios).toFixed(3)} (median of per-slice ratios)`);
}
