import { type ClientHttp2Session, connect } from "node:http2";
import protobuf from "protobufjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runtime as noop } from "../../src/runtimes/noop/index.js";
import { DataPlane } from "../../src/server/dataplane.js";
import { type GrpcServerHandle, startGrpcServer } from "../../src/server/grpc/index.js";
import { PROTO_PATH } from "../../src/server/grpc/proto.js";
import { ModelRegistry } from "../../src/server/model-registry.js";
import { seededRandom } from "../seeded-random.js";

/**
 * Mutated ModelInfer calls (fixed seed, bounded count) against the gRPC transport over one HTTP/2
 * connection: every call must end with a gRPC status, none with a handler failure (INTERNAL or UNKNOWN
 * logged: a bug, since the noop model never fails on its own), the connection must survive, and the
 * server must answer a good call afterwards.
 */

const SEED = 20261204;
const CALLS = 1500;
const CONCURRENCY = 16;
const { rand, int, pick } = seededRandom(SEED);

const root = new protobuf.Root();
root.loadSync(PROTO_PATH, { keepCase: true });
const InferRequest = root.lookupType("inference.ModelInferRequest");
const encode = (message: object) =>
  Buffer.from(InferRequest.encode(InferRequest.fromObject(message)).finish());

const f32 = Buffer.alloc(8);
f32.writeFloatLE(1.5, 0);
f32.writeFloatLE(-2, 4);
const SEEDS = [
  encode({
    model_name: "echo",
    id: "fuzz",
    parameters: { content_type: { string_param: "np" }, n: { int64_param: "7" } },
    inputs: [
      { name: "x", datatype: "FP32", shape: [1, 4], contents: { fp32_contents: [5.1, 3.5, 1.4, 0.2] } },
    ],
  }),
  encode({
    model_name: "echo",
    inputs: [
      { name: "a", datatype: "FP32", shape: [2] },
      { name: "b", datatype: "BYTES", shape: [1] },
    ],
    raw_input_contents: [f32, Buffer.from([2, 0, 0, 0, 104, 105])],
    outputs: [{ name: "a" }],
  }),
  encode({
    model_name: "echo",
    model_version: "",
    inputs: [
      {
        name: "i",
        datatype: "INT64",
        shape: [2],
        contents: { int64_contents: ["-9223372036854775808", "1"] },
      },
      {
        name: "s",
        datatype: "BYTES",
        shape: [2],
        contents: { bytes_contents: [Buffer.from("é"), Buffer.alloc(0)] },
      },
      { name: "u", datatype: "UINT8", shape: [1], contents: { uint_contents: [255] } },
    ],
  }),
];

function mutate(message: Buffer): Buffer {
  const out = Buffer.from(message);
  switch (int(5)) {
    case 0: // flip bytes
      for (let n = 1 + int(4); n > 0; n--) out[int(out.length)] = int(256);
      return out;
    case 1: // cut short
      return out.subarray(0, int(out.length));
    case 2: {
      // insert random bytes
      const at = int(out.length);
      const junk = Buffer.from(Array.from({ length: 1 + int(8) }, () => int(256)));
      return Buffer.concat([out.subarray(0, at), junk, out.subarray(at)]);
    }
    case 3: // a varint pushed to its extremes
      out[int(out.length)] = pick([0x80, 0xff, 0x7f, 0x00]);
      return out;
    default:
      return Buffer.from(Array.from({ length: int(64) }, () => int(256)));
  }
}

function framed(message: Buffer, flag = 0, length = message.length): Buffer {
  const prefix = Buffer.alloc(5);
  prefix[0] = flag;
  prefix.writeUInt32BE(length, 1);
  return Buffer.concat([prefix, message]);
}

/** Mostly honest prefixes, sometimes a lying length or an odd flag. */
function fuzzedFrame(message: Buffer): Buffer {
  return framed(
    message,
    rand() < 0.05 ? int(3) : 0,
    rand() < 0.05 ? int(message.length * 2 + 1) : message.length,
  );
}

let server: GrpcServerHandle;
let session: ClientHttp2Session;
const logged: string[] = [];

beforeAll(async () => {
  const registry = new ModelRegistry((settings) => noop.load(settings));
  await registry.load({ name: "echo", implementation: "noop" });
  server = await startGrpcServer(new DataPlane({ registry }), {
    port: 0,
    maxMessageBytes: 64 * 1024,
    logger: { error: (_details, message) => logged.push(message) },
  });
  session = connect(`http://127.0.0.1:${server.port}`);
});

afterAll(async () => {
  session?.close();
  await server?.close();
});

function call(body: Buffer): Promise<number> {
  const stream = session.request({
    ":method": "POST",
    ":path": "/inference.GRPCInferenceService/ModelInfer",
    "content-type": "application/grpc",
  });
  stream.end(body);
  stream.resume();
  return new Promise((resolve, reject) => {
    let code = Number.NaN;
    stream.on("response", (h) => {
      if (h["grpc-status"] !== undefined) code = Number(h["grpc-status"]);
    });
    stream.on("trailers", (t) => {
      code = Number(t["grpc-status"]);
    });
    stream.on("error", reject);
    stream.on("close", () => resolve(code));
  });
}

describe("gRPC fuzz", () => {
  it(`ends ${CALLS} mutated ModelInfer calls with a status, no handler failure and the connection intact`, async () => {
    const codes = new Map<number, number>();
    let next = 0;
    const worker = async () => {
      while (next < CALLS) {
        next++;
        const code = await call(fuzzedFrame(mutate(pick(SEEDS))));
        codes.set(code, (codes.get(code) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    for (const code of codes.keys()) expect(code >= 0 && code <= 16, `grpc-status ${code}`).toBe(true);
    expect(logged).toEqual([]);
    // the mutations reach every layer: accepted, refused by the codecs, refused by the transport
    expect(codes.get(0) ?? 0).toBeGreaterThan(CALLS / 50);
    expect(codes.get(3) ?? 0).toBeGreaterThan(CALLS / 20);
    expect(codes.get(13) ?? 0).toBeGreaterThan(CALLS / 20);
    expect(session.destroyed).toBe(false);
    expect(await call(framed(SEEDS[0]))).toBe(0);
  });
});
