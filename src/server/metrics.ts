import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { InferenceObserver } from "./dataplane.js";

/**
 * Prometheus metrics of one server, under MLServer's names where MLServer has the metric
 * (model_infer_request_success/failure, rest_server_requests*, batch_request_queue,
 * parallel_request_queue) and ours otherwise. Each server has its own registry so that several servers
 * in one process (tests) do not collide. Per-model label children are cached: the hot path does a Map
 * lookup, not prom-client's label hashing.
 */

interface ModelChildren {
  success: Counter.Internal;
  failure: Counter.Internal;
  duration: Histogram.Internal<"model" | "version">;
}

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class ServerMetrics implements InferenceObserver {
  readonly registry = new Registry();
  private readonly success: Counter<"model" | "version">;
  private readonly failure: Counter<"model" | "version">;
  private readonly duration: Histogram<"model" | "version">;
  private readonly restRequests: Counter<"method" | "path" | "status_code">;
  private readonly restDuration: Histogram<"method" | "path">;
  readonly restInProgress: Gauge;
  readonly batchQueue: Histogram<"model" | "version">;
  readonly parallelQueue: Histogram<"model" | "version">;
  private readonly children = new Map<string, ModelChildren>();

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.success = new Counter({
      name: "model_infer_request_success",
      help: "Successful inference requests per model",
      labelNames: ["model", "version"],
      registers,
    });
    this.failure = new Counter({
      name: "model_infer_request_failure",
      help: "Failed inference requests per model",
      labelNames: ["model", "version"],
      registers,
    });
    this.duration = new Histogram({
      name: "model_infer_request_duration_seconds",
      help: "Inference latency per model (decoded request to response, excluding the transport)",
      labelNames: ["model", "version"],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.restRequests = new Counter({
      name: "rest_server_requests",
      help: "REST requests by method, route and status code",
      labelNames: ["method", "path", "status_code"],
      registers,
    });
    this.restDuration = new Histogram({
      name: "rest_server_requests_duration_seconds",
      help: "REST request latency by method and route",
      labelNames: ["method", "path"],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.restInProgress = new Gauge({
      name: "rest_server_requests_in_progress",
      help: "REST requests being handled",
      registers,
    });
    this.batchQueue = new Histogram({
      name: "batch_request_queue",
      help: "Requests merged into one batch by adaptive batching",
      labelNames: ["model", "version"],
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
      registers,
    });
    this.parallelQueue = new Histogram({
      name: "parallel_request_queue",
      help: "Requests waiting for a worker thread when one is dispatched",
      labelNames: ["model", "version"],
      buckets: [0, 1, 2, 4, 8, 16, 32, 64, 128],
      registers,
    });
  }

  observe(model: string, version: string | undefined, seconds: number, ok: boolean): void {
    const key = version === undefined ? model : `${model}\u0000${version}`;
    let c = this.children.get(key);
    if (c === undefined) {
      const labels = { model, version: version ?? "" };
      c = {
        success: this.success.labels(labels),
        failure: this.failure.labels(labels),
        duration: this.duration.labels(labels),
      };
      this.children.set(key, c);
    }
    (ok ? c.success : c.failure).inc();
    c.duration.observe(seconds);
  }

  observeRest(method: string, path: string, status: number, seconds: number): void {
    this.restRequests.inc({ method, path, status_code: status });
    this.restDuration.observe({ method, path }, seconds);
  }

  contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
