import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServerHandle } from "../../src/server/index.js";
import { seededRandom } from "../seeded-random.js";
import { startTestServer } from "./harness.js";
import { ECHO_IMPLEMENTATION, echoRuntimes } from "./mlflow-scoring-echo.js";

/**
 * Mutated /invocations bodies (fixed seed, bounded count) against an echo model and two real MLflow
 * models: every answer is a 200 or a 4xx with mlflow's error body, never a 5xx, and the server keeps
 * serving. Mutations start from the requests mlflow's own server was recorded with.
 */

const SEED = 20261204;
const REQUESTS = 1500;
const CONCURRENCY = 8;

const { rand, int, pick } = seededRandom(SEED);

const reference = JSON.parse(
  readFileSync(new URL("mlflow-scoring/reference.json", import.meta.url), "utf8"),
) as { cases: { content_type: string; request: string }[] };
const recorded = JSON.parse(
  readFileSync(new URL("mlflow-scoring/models-reference.json", import.meta.url), "utf8"),
) as { models: Record<string, { content_type: string; request: string }[]> };

const SEEDS = [...reference.cases, ...Object.values(recorded.models).flat()];
const TOKENS = [
  "NaN",
  "-Infinity",
  "1e999",
  "18446744073709551616",
  "-9223372036854775809",
  "null",
  "true",
  '"x"',
  "[]",
  "{}",
  "[[1,2],[3]]",
  '{"a":[1]}',
  "2.5",
  "0",
  '"2024-01-01"',
  '"\\u0000"',
  "[".repeat(80) + "]".repeat(80),
];
const CONTENT_TYPES = [
  "application/json",
  "text/csv",
  "application/json; charset=utf-8",
  "text/csv; charset=UTF-8",
];

/** One mutation of a seed body: a token swapped in, bytes cut, a span duplicated, or a random byte. */
function mutate(text: string): string {
  const at = int(text.length + 1);
  switch (int(5)) {
    case 0: {
      const end = Math.min(text.length, at + 1 + int(12));
      return text.slice(0, at) + pick(TOKENS) + text.slice(end);
    }
    case 1:
      return text.slice(0, at);
    case 2: {
      const end = Math.min(text.length, at + int(40));
      return text.slice(0, end) + text.slice(at, end) + text.slice(end);
    }
    case 3:
      return text.slice(0, at) + String.fromCharCode(int(128)) + text.slice(at + 1);
    default:
      return text.slice(0, at) + pick(TOKENS) + text.slice(at);
  }
}

describe("mutated /invocations bodies never get a 5xx", () => {
  const { runtimes } = echoRuntimes();
  const fixtures = fileURLToPath(new URL("../../fixtures/mlflow/models/", import.meta.url));
  const MODELS = ["echo", "sklearn_pipeline", "onnx_iris"];
  let server: ServerHandle;

  beforeAll(async () => {
    server = await startTestServer(
      [
        { name: "echo", implementation: ECHO_IMPLEMENTATION },
        { name: "sklearn_pipeline", implementation: "mlflow", uri: `${fixtures}sklearn_pipeline` },
        { name: "onnx_iris", implementation: "mlflow", uri: `${fixtures}onnx_iris` },
      ],
      {},
      { runtimes },
    );
  }, 60_000);
  afterAll(async () => server?.close());

  it(`${REQUESTS} requests`, async () => {
    const bodies = Array.from({ length: REQUESTS }, () => {
      const seed = pick(SEEDS);
      let body = seed.request;
      for (let k = 1 + int(3); k > 0; k--) body = mutate(body);
      return {
        model: pick(MODELS),
        contentType: rand() < 0.8 ? seed.content_type : pick(CONTENT_TYPES),
        body,
      };
    });
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < bodies.length) {
        const { model, contentType, body } = bodies[next++];
        const res = await fetch(`${server.httpUrl}/invocations?model=${model}`, {
          method: "POST",
          headers: { "content-type": contentType },
          body,
        });
        const text = await res.text();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const jsonError = res.status >= 400 && res.status !== 415;
        const shaped = !jsonError || /^\{"error_code": ?"[A-Z_]+"/.test(text);
        if (res.status >= 500 || !shaped)
          failures.push(
            `${res.status} ${model} ${contentType} ${body.slice(0, 200)} -> ${text.slice(0, 300)}`,
          );
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect(failures.slice(0, 5)).toEqual([]);
    // the mutations must reach both the predictions and the refusals
    expect(statuses.get(200) ?? 0).toBeGreaterThan(REQUESTS / 50);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(REQUESTS / 50);
    const after = await fetch(`${server.httpUrl}/invocations?model=onnx_iris`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"inputs": [[5.1, 3.5, 1.4, 0.2]]}',
    });
    expect(after.status).toBe(200);
  }, 120_000);
});
