import autocannon from "autocannon";
import { REST_BODY, REST_PATH } from "./workload.js";

/** REST load with autocannon: keep-alive connections, one request in flight on each, for a fixed time. */

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

export async function httpLoad(port: number, options: LoadOptions): Promise<LoadResult> {
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
