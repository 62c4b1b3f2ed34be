import { collectDefaultMetrics, type Metric, Registry } from "prom-client";
import type { InferenceObserver } from "./dataplane.js";
import {
  type CounterSeries,
  FastCounter,
  FastHistogram,
  type HistogramSeries,
} from "./metrics-primitives.js";

/**
 * Prometheus metrics of one server, under MLServer's names where MLServer has the metric
 * (model_infer_request_success/failure, rest_server_requests*, batch_request_queue,
 * parallel_request_queue) and ours otherwise. Each server has its own registry so that several servers
 * in one process (tests) do not collide. Per-request updates are field increments on cached series.
 */

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface ModelSeries {
  success: CounterSeries;
  failure: CounterSeries;
  duration: HistogramSeries;
}

/** The REST series of one method, route and status: hold it to count a request with two field updates. */
export class RestSeries {
  constructor(
    private readonly count: CounterSeries,
    private readonly duration: HistogramSeries,
  ) {}

  observe(seconds: number): void {
    this.count.value++;
    this.duration.observe(seconds);
  }
}

/** A histogram observed per model (batch sizes, worker queue lengths). */
export interface ModelHistogram {
  observe(labels: { model: string; version: string }, value: number): void;
}

class CachedModelHistogram implements ModelHistogram {
  private readonly cache = new Map<string, HistogramSeries>();
  constructor(private readonly histogram: FastHistogram) {}

  observe(labels: { model: string; version: string }, value: number): void {
    const key = `${labels.model}\u0000${labels.version}`;
    let s = this.cache.get(key);
    if (s === undefined) {
      s = this.histogram.series_({ model: labels.model, version: labels.version });
      this.cache.set(key, s);
    }
    s.observe(value);
  }
}

export class ServerMetrics implements InferenceObserver {
  readonly registry = new Registry();
  private readonly success = new FastCounter(
    "model_infer_request_success",
    "Successful inference requests per model",
  );
  private readonly failure = new FastCounter(
    "model_infer_request_failure",
    "Failed inference requests per model",
  );
  private readonly duration = new FastHistogram(
    "model_infer_request_duration_seconds",
    "Inference latency per model (decoded request to response, excluding the transport)",
    LATENCY_BUCKETS,
  );
  private readonly restRequests = new FastCounter(
    "rest_server_requests",
    "REST requests by method, route and status code",
  );
  private readonly restDuration = new FastHistogram(
    "rest_server_requests_duration_seconds",
    "REST request latency by method and route",
    LATENCY_BUCKETS,
  );
  /** REST requests being handled (MLServer's rest_server_requests_in_progress) */
  readonly restInProgress: CounterSeries;
  readonly batchQueue: ModelHistogram;
  readonly parallelQueue: ModelHistogram;
  private readonly models = new Map<string, ModelSeries>();
  /** method → route → status code: lookups by the (interned) strings the caller already holds, no key to build */
  private readonly rest = new Map<string, Map<string, Map<number, RestSeries>>>();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const inProgress = new FastCounter(
      "rest_server_requests_in_progress",
      "REST inference requests being handled",
      "gauge",
    );
    this.restInProgress = inProgress.series_({});
    const batch = new FastHistogram(
      "batch_request_queue",
      "Requests merged into one batch by adaptive batching",
      [1, 2, 4, 8, 16, 32, 64, 128, 256],
    );
    const parallel = new FastHistogram(
      "parallel_request_queue",
      "Requests already in flight on the worker thread a request is dispatched to",
      [0, 1, 2, 4, 8, 16, 32, 64, 128],
    );
    this.batchQueue = new CachedModelHistogram(batch);
    this.parallelQueue = new CachedModelHistogram(parallel);
    for (const metric of [
      inProgress,
      this.success,
      this.failure,
      this.duration,
      this.restRequests,
      this.restDuration,
      batch,
      parallel,
    ]) {
      this.registry.registerMetric(metric as unknown as Metric);
    }
  }

  observe(model: string, version: string | undefined, seconds: number, ok: boolean): void {
    const key = version === undefined ? model : `${model}\u0000${version}`;
    let s = this.models.get(key);
    if (s === undefined) {
      const labels = { model, version: version ?? "" };
      s = {
        success: this.success.series_(labels),
        failure: this.failure.series_(labels),
        duration: this.duration.series_(labels),
      };
      this.models.set(key, s);
    }
    if (ok) s.success.value++;
    else s.failure.value++;
    s.duration.observe(seconds);
  }

  observeRest(method: string, path: string, status: number, seconds: number): void {
    this.restSeries(method, path, status).observe(seconds);
  }

  restSeries(method: string, path: string, status: number): RestSeries {
    let byPath = this.rest.get(method);
    if (byPath === undefined) {
      byPath = new Map();
      this.rest.set(method, byPath);
    }
    let byStatus = byPath.get(path);
    if (byStatus === undefined) {
      byStatus = new Map();
      byPath.set(path, byStatus);
    }
    let s = byStatus.get(status);
    if (s === undefined) {
      s = new RestSeries(
        this.restRequests.series_({ method, path, status_code: status }),
        this.restDuration.series_({ method, path }),
      );
      byStatus.set(status, s);
    }
    return s;
  }

  contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
