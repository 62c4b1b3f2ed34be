import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATATYPE_NAMES } from "../../src/server/codecs/datatypes.js";
import type { ServerHandle } from "../../src/server/index.js";
import { seededRandom } from "../seeded-random.js";
import { startTestServer } from "./harness.js";

/**
 * Thousands of random and mutated requests (fixed seed, bounded count and time) against a real server:
 * none may get a 5xx, crash the server or hang.
 */

const SEED = 20261125;
const REQUESTS = 3000;
const CONCURRENCY = 16;

const { rand, int, pick } = seededRandom(SEED);

const WEIRD_NUMBERS = [
  0,
  -0,
  1,
  -1,
  0.5,
  255,
  256,
  -129,
  65504,
  65520,
  2 ** 31,
  2 ** 32,
  2 ** 53,
  2 ** 64,
  1e39,
  -1e308,
  1e308,
];
const WEIRD_STRINGS = [
  "",
  "a",
  "ü",
  "\u0000",
  "🙂",
  "9223372036854775807",
  "18446744073709551616",
  "-1",
  "NaN",
  "__proto__",
  "x".repeat(300),
];
const KEYS = [
  "name",
  "datatype",
  "shape",
  "data",
  "parameters",
  "id",
  "inputs",
  "outputs",
  "content_type",
  "binary_data_size",
  "binary_data",
  "binary_data_output",
  "__proto__",
  "constructor",
];

function randomScalar(): unknown {
  switch (int(6)) {
    case 0:
      return pick(WEIRD_NUMBERS);
    case 1:
      return rand() * 200 - 100;
    case 2:
      return pick(WEIRD_STRINGS);
    case 3:
      return rand() < 0.5;
    case 4:
      return null;
    default:
      return int(10);
  }
}

function randomJson(depth = 0): unknown {
  const roll = int(depth > 3 ? 1 : 4);
  if (roll === 0) return randomScalar();
  if (roll === 1) return Array.from({ length: int(4) }, () => randomJson(depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = 0; i < int(4); i++) o[pick(KEYS)] = randomJson(depth + 1);
  return o;
}

function validValue(datatype: string): unknown {
  switch (datatype) {
    case "BOOL":
      return rand() < 0.5;
    case "BYTES":
      return pick(WEIRD_STRINGS);
    case "FP16":
    case "FP32":
    case "FP64":
      return rand() < 0.05 ? null : rand() * 100 - 50;
    case "INT8":
      return int(256) - 128;
    default:
      return int(200);
  }
}

function validInput(name: string) {
  const datatype = pick(DATATYPE_NAMES);
  const shape = Array.from({ length: 1 + int(3) }, () => 1 + int(3));
  const count = shape.reduce((a, b) => a * b, 1);
  const data = Array.from({ length: count }, () => validValue(datatype));
  return { name, datatype, shape, data };
}

function validRequest() {
  const inputs = Array.from({ length: 1 + int(3) }, (_, i) => validInput(`in${i}`));
  const body: Record<string, unknown> = { inputs };
  if (rand() < 0.3) body.id = `req-${int(1000)}`;
  if (rand() < 0.3) body.outputs = [{ name: pick(["in0", "in1", "sum", "zzz"]) }];
  if (rand() < 0.2)
    body.parameters = { content_type: pick(["np", "pd", "str"]), binary_data_output: rand() < 0.5 };
  return body;
}

/** Replaces one random node of a JSON value by a random value (or deletes it). */
function mutate(value: unknown): unknown {
  if (rand() < 0.25 || value === null || typeof value !== "object") return randomJson();
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value)
    ? [...value]
    : { ...(value as Record<string, unknown>) };
  const keys = Object.keys(copy);
  if (keys.length === 0) return randomJson();
  const key = pick(keys);
  if (rand() < 0.2) delete (copy as Record<string, unknown>)[key];
  else (copy as Record<string, unknown>)[key] = mutate((copy as Record<string, unknown>)[key]);
  return copy;
}

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

const MODELS = ["echo", "summer", "typed", "batched", "parallel", "nope", "%zz", "e%2Fcho", "a".repeat(2000)];

function inferPath(): string {
  const model = pick(MODELS);
  return rand() < 0.2
    ? `/v2/models/${model}/versions/${pick(["1", "2", "x"])}/infer`
    : `/v2/models/${model}/infer`;
}

function binaryRequest(): FuzzRequest {
  const json = JSON.stringify(
    rand() < 0.5
      ? validRequest()
      : mutate({
          inputs: [
            {
              name: "a",
              datatype: pick(DATATYPE_NAMES),
              shape: [int(5), int(3)],
              parameters: { binary_data_size: int(40) },
            },
          ],
        }),
  );
  const head = Buffer.from(json);
  const tail = Buffer.from(Array.from({ length: int(48) }, () => int(256)));
  const length = rand() < 0.8 ? head.length : pick([0, -1, head.length + tail.length + 1, 3]);
  return {
    method: "POST",
    path: inferPath(),
    headers: {
      "content-type": "application/octet-stream",
      "inference-header-content-length": String(length),
    },
    body: Buffer.concat([head, tail]),
  };
}

function nextRequest(): FuzzRequest {
  const roll = int(10);
  const json = { "content-type": "application/json" };
  if (roll <= 2)
    return { method: "POST", path: inferPath(), headers: json, body: JSON.stringify(validRequest()) };
  if (roll <= 5)
    return { method: "POST", path: inferPath(), headers: json, body: JSON.stringify(mutate(validRequest())) };
  if (roll === 6) {
    const text = JSON.stringify(validRequest());
    const cut =
      rand() < 0.5 ? text.slice(0, int(text.length)) : text.replace(/[[\]{}:,"]/, pick(["", "]", "{", "\\"]));
    return { method: "POST", path: inferPath(), headers: json, body: cut };
  }
  if (roll === 7) return binaryRequest();
  if (roll === 8 && rand() < 0.1) {
    // past the body limit: 413, not a crash
    return {
      method: "POST",
      path: inferPath(),
      headers: json,
      body: `{"inputs":[${"1,".repeat(150_000)}1]}`,
    };
  }
  if (roll === 8) {
    const deep = `${"[".repeat(5000 + int(5000))}1${"]".repeat(int(3) === 0 ? 3 : 10000)}`;
    return {
      method: "POST",
      path: inferPath(),
      headers: json,
      body: `{"inputs":[{"name":"x","datatype":"FP32","shape":[1],"data":${deep}}]}`,
    };
  }
  const path = pick([
    "/v2",
    "/v2/health/live",
    "/v2/health/ready",
    `/v2/models/${pick(MODELS)}`,
    `/v2/models/${pick(MODELS)}/ready`,
    `/v2/models/${pick(MODELS)}/versions/${pick(["1", "2"])}`,
    "/v2/repository/index",
    `/v2/repository/models/${pick(["nope", "%zz", "ghost"])}/load`,
    "/metrics",
    "/v2/docs/openapi.json",
    "/v2/../etc/passwd",
  ]);
  const method = pick(["GET", "POST", "PUT", "DELETE"]);
  const body = method === "GET" ? undefined : JSON.stringify(randomJson());
  return { method, path, headers: json, body };
}

let server: ServerHandle;

beforeAll(async () => {
  server = await startTestServer(
    [
      { name: "echo", implementation: "noop" },
      { name: "summer", implementation: "noop", version: "1", parameters: { mode: "sum" } },
      { name: "summer", implementation: "noop", version: "2", parameters: { mode: "sum" } },
      { name: "typed", implementation: "noop", inputs: [{ name: "in0", datatype: "FP32", shape: [-1, 2] }] },
      { name: "batched", implementation: "noop", max_batch_size: 4, max_batch_time: 0.002 },
      { name: "parallel", implementation: "noop", parallel_workers: 2 },
    ],
    { max_request_body_bytes: 256 * 1024 },
  );
});
afterAll(() => server.close());

describe("fuzz", () => {
  it(`answers ${REQUESTS} random and mutated requests without a 5xx, a crash or a hang`, async () => {
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let sent = 0;
    const worker = async () => {
      while (sent < REQUESTS) {
        sent++;
        const r = nextRequest();
        let status: number;
        try {
          const res = await fetch(`${server.httpUrl}${r.path}`, {
            method: r.method,
            headers: r.headers,
            body: r.body,
            signal: AbortSignal.timeout(10_000),
          });
          await res.arrayBuffer();
          status = res.status;
        } catch (e) {
          failures.push(`${r.method} ${r.path}: ${(e as Error).message}`);
          continue;
        }
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status >= 500)
          failures.push(`${r.method} ${r.path} → ${status}: ${String(r.body).slice(0, 300)}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect(failures).toEqual([]);
    // the mix really exercised both outcomes
    expect(statuses.get(200) ?? 0).toBeGreaterThan(REQUESTS / 20);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(REQUESTS / 5);
    expect(statuses.get(413) ?? 0).toBeGreaterThan(0);
    const live = await fetch(`${server.httpUrl}/v2/health/live`);
    expect(live.status).toBe(200);
    const ok = await fetch(`${server.httpUrl}/v2/models/echo/infer`, {
      method: "POST",
      body: JSON.stringify({ inputs: [{ name: "x", datatype: "INT8", shape: [1], data: [1] }] }),
    });
    expect(ok.status).toBe(200);
  }, 120_000);
});
