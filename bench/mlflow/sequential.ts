import { Agent, request } from "node:http";

/**
 * Latency of one request at a time over one keep-alive connection, timed in microseconds (autocannon's
 * histogram counts whole milliseconds, too coarse for a one-row prediction). Runs for `seconds`.
 */

export interface Latency {
  p50: number;
  p99: number;
  requests: number;
  failures: number;
}

function once(agent: Agent, port: number, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: "127.0.0.1",
        port,
        path: "/invocations",
        method: "POST",
        headers: { "content-type": "application/json", "content-length": body.length },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function sequentialLatency(port: number, body: string, seconds: number): Promise<Latency> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const bytes = Buffer.from(body);
  const times: number[] = [];
  let failures = 0;
  const end = performance.now() + seconds * 1000;
  try {
    while (performance.now() < end) {
      const started = performance.now();
      const status = await once(agent, port, bytes);
      times.push(performance.now() - started);
      if (status !== 200) failures++;
    }
  } finally {
    agent.destroy();
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), requests: times.length, failures };
}
