import { credentials, type ServiceError } from "@grpc/grpc-js";
import { inferenceService } from "../../src/server/grpc/proto.js";
import type { LoadOptions, LoadResult } from "./http-load.js";
import { GRPC_REQUEST } from "./workload.js";

/**
 * gRPC load (no ghz here): `connections` concurrent callers, each sending ModelInfer back to back over
 * one shared HTTP/2 channel, for a fixed time. Latencies are kept in full and sorted for percentiles.
 */

type ModelInfer = (request: object, callback: (error: ServiceError | null) => void) => void;

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function grpcLoad(port: number, options: LoadOptions): Promise<LoadResult> {
  const Service = inferenceService();
  const client = new Service(`127.0.0.1:${port}`, credentials.createInsecure());
  const infer = (client as unknown as { ModelInfer: ModelInfer }).ModelInfer.bind(client);
  const latencies: number[] = [];
  let failures = 0;
  const started = performance.now();
  const deadline = started + options.durationSeconds * 1000;
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
  await Promise.all(Array.from({ length: options.connections }, caller));
  const elapsed = (performance.now() - started) / 1000;
  client.close();
  const sorted = Float64Array.from(latencies).sort();
  return {
    requestsPerSecond: latencies.length / elapsed,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    requests: latencies.length,
    failures,
  };
}
