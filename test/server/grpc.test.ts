import { credentials, type ServiceError, status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runtime as noop } from "../../src/runtimes/noop/index.js";
import { startGrpcServer } from "../../src/server/grpc/index.js";
import { inferenceService } from "./grpc-clients.js";
import { type GrpcFixture, startGrpcFixture } from "./grpc-harness.js";

let f: GrpcFixture;

beforeAll(async () => {
  f = await startGrpcFixture([
    { name: "echo", implementation: "noop" },
    {
      name: "summer",
      implementation: "noop",
      version: "v2",
      parameters: { mode: "sum", report_thread: true },
      inputs: [{ name: "x", datatype: "FP32", shape: [-1, 3] }],
      outputs: [{ name: "sum", datatype: "FP64", shape: [-1, 1] }],
    },
  ]);
});

afterAll(async () => {
  await f?.close();
});

async function rejection(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (e) {
    return e as ServiceError;
  }
  throw new Error("expected the call to fail");
}

interface OutputMessage {
  name: string;
  datatype: string;
  shape: string[];
  contents?: Record<string, unknown[]>;
  parameters?: Record<string, Record<string, unknown>>;
}
interface InferResponse {
  model_name: string;
  model_version?: string;
  id?: string;
  outputs: OutputMessage[];
  raw_output_contents: Buffer[];
  parameters?: Record<string, Record<string, unknown>>;
}

const infer = (request: object) => f.call<InferResponse>("ModelInfer", request);

describe("gRPC health and metadata", () => {
  it("answers ServerLive and ServerReady", async () => {
    expect(await f.call("ServerLive", {})).toEqual({ live: true });
    expect(await f.call("ServerReady", {})).toEqual({ ready: true });
  });

  it("answers ServerMetadata with the data plane's name, version and extensions", async () => {
    const m = await f.call<{ name: string; version: string; extensions: string[] }>("ServerMetadata", {});
    expect(m).toEqual(f.dataplane.serverMetadata());
    expect(m.name).toBe("modelserve");
  });

  it("answers ModelReady for a model, a version, and NOT_FOUND for unknown ones", async () => {
    expect(await f.call("ModelReady", { name: "echo" })).toEqual({ ready: true });
    expect(await f.call("ModelReady", { name: "summer", version: "v2" })).toEqual({ ready: true });
    const unknown = await rejection(f.call("ModelReady", { name: "nope" }));
    expect(unknown.code).toBe(status.NOT_FOUND);
    expect(unknown.details).toContain("'nope'");
    const badVersion = await rejection(f.call("ModelReady", { name: "summer", version: "v9" }));
    expect(badVersion.code).toBe(status.NOT_FOUND);
    expect(badVersion.details).toContain("'v9'");
  });

  it("answers ModelMetadata with declared tensors (-1 for variable dims) and versions", async () => {
    const m = await f.call("ModelMetadata", { name: "summer" });
    expect(m).toEqual({
      name: "summer",
      versions: ["v2"],
      platform: "modelserve_noop",
      inputs: [{ name: "x", datatype: "FP32", shape: ["-1", "3"] }],
      outputs: [{ name: "sum", datatype: "FP64", shape: ["-1", "1"] }],
    });
    const missing = await rejection(f.call("ModelMetadata", { name: "nope" }));
    expect(missing.code).toBe(status.NOT_FOUND);
  });
});

describe("gRPC ModelInfer with typed contents", () => {
  const cases: [string, string, unknown[], unknown[]?][] = [
    ["BOOL", "bool_contents", [true, false, true, true]],
    ["UINT8", "uint_contents", [0, 1, 254, 255]],
    ["UINT16", "uint_contents", [0, 1, 65534, 65535]],
    ["UINT32", "uint_contents", [0, 1, 4294967294, 4294967295]],
    ["UINT64", "uint64_contents", ["0", "1", "9007199254740993", "18446744073709551615"]],
    ["INT8", "int_contents", [-128, -1, 0, 127]],
    ["INT16", "int_contents", [-32768, -1, 0, 32767]],
    ["INT32", "int_contents", [-2147483648, -1, 0, 2147483647]],
    ["INT64", "int64_contents", ["-9223372036854775808", "-9007199254740993", "0", "9223372036854775807"]],
    ["FP32", "fp32_contents", [1.5, -2.25, 0, Math.fround(3.0e38)]],
    ["FP64", "fp64_contents", [0.1, -1e300, 5e-324, 2 ** 60]],
  ];
  for (const [datatype, field, values] of cases) {
    it(`round-trips ${datatype} through ${field}`, async () => {
      const r = await infer({
        model_name: "echo",
        id: `req-${datatype}`,
        inputs: [{ name: "t", datatype, shape: [2, 2], contents: { [field]: values } }],
      });
      expect(r.model_name).toBe("echo");
      expect(r.id).toBe(`req-${datatype}`);
      expect(r.raw_output_contents).toEqual([]);
      expect(r.outputs).toHaveLength(1);
      expect(r.outputs[0]).toMatchObject({ name: "t", datatype, shape: ["2", "2"] });
      expect(r.outputs[0].contents?.[field]).toEqual(values);
    });
  }

  it("round-trips BYTES through bytes_contents, including non-UTF-8 bytes", async () => {
    const values = [Buffer.from("héllo"), Buffer.from([0, 255, 128]), Buffer.alloc(0)];
    const r = await infer({
      model_name: "echo",
      inputs: [{ name: "b", datatype: "BYTES", shape: [3], contents: { bytes_contents: values } }],
    });
    expect(r.outputs[0].contents?.bytes_contents).toEqual(values);
  });

  it("generates an id when the request has none, and echoes the version used", async () => {
    const r = await infer({
      model_name: "summer",
      inputs: [
        { name: "x", datatype: "FP32", shape: [2, 3], contents: { fp32_contents: [1, 2, 3, 4, 5, 6] } },
      ],
    });
    expect(r.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.model_version).toBe("v2");
    expect(r.outputs[0]).toMatchObject({ name: "sum", datatype: "FP64", shape: ["2", "1"] });
    expect(r.outputs[0].contents?.fp64_contents).toEqual([6, 15]);
    // response parameters travel as InferParameter (report_thread: the main thread is 0)
    expect(r.parameters).toEqual({ thread_id: { int64_param: "0", parameter_choice: "int64_param" } });
  });

  it("returns only the requested outputs", async () => {
    const r = await infer({
      model_name: "echo",
      inputs: [
        { name: "a", datatype: "INT32", shape: [1], contents: { int_contents: [1] } },
        { name: "b", datatype: "INT32", shape: [1], contents: { int_contents: [2] } },
      ],
      outputs: [{ name: "b" }],
    });
    expect(r.outputs.map((o) => o.name)).toEqual(["b"]);
    expect(r.outputs[0].contents?.int_contents).toEqual([2]);
  });
});

describe("gRPC ModelInfer with raw contents", () => {
  function le(type: "u16" | "f32" | "f64" | "i64" | "u64" | "i32", values: (number | bigint)[]): Buffer {
    const size = { u16: 2, f32: 4, f64: 8, i64: 8, u64: 8, i32: 4 }[type];
    const b = Buffer.alloc(values.length * size);
    values.forEach((v, i) => {
      if (type === "u16") b.writeUInt16LE(v as number, i * 2);
      else if (type === "f32") b.writeFloatLE(v as number, i * 4);
      else if (type === "f64") b.writeDoubleLE(v as number, i * 8);
      else if (type === "i32") b.writeInt32LE(v as number, i * 4);
      else if (type === "i64") b.writeBigInt64LE(v as bigint, i * 8);
      else b.writeBigUInt64LE(v as bigint, i * 8);
    });
    return b;
  }

  const cases: [string, number[], Buffer][] = [
    ["BOOL", [3], Buffer.from([1, 0, 1])],
    ["UINT8", [3], Buffer.from([0, 7, 255])],
    ["INT8", [3], Buffer.from([0x80, 0xff, 0x7f])],
    ["UINT16", [2], le("u16", [1, 65535])],
    ["INT32", [2], le("i32", [-5, 2 ** 31 - 1])],
    ["INT64", [2], le("i64", [-(2n ** 63n), 2n ** 53n + 1n])],
    ["UINT64", [2], le("u64", [0n, 2n ** 64n - 1n])],
    // FP16 has no typed field: 1.0 = 0x3c00, -2.0 = 0xc000, 65504 = 0x7bff
    ["FP16", [3], le("u16", [0x3c00, 0xc000, 0x7bff])],
    ["FP32", [1, 2], le("f32", [0.5, -3.25])],
    ["FP64", [2], le("f64", [Math.PI, -0])],
    // BYTES raw: each element a 4-byte little-endian length and its bytes
    ["BYTES", [2], Buffer.concat([le("i32", [2]), Buffer.from("hi"), le("i32", [0])])],
  ];
  for (const [datatype, shape, bytes] of cases) {
    it(`round-trips ${datatype} byte for byte`, async () => {
      const r = await infer({
        model_name: "echo",
        inputs: [{ name: "t", datatype, shape }],
        raw_input_contents: [bytes],
      });
      expect(r.outputs[0]).toMatchObject({ name: "t", datatype, shape: shape.map(String) });
      expect(r.outputs[0].contents).toBeUndefined();
      expect(r.raw_output_contents).toEqual([bytes]);
    });
  }

  it("decodes raw inputs for the model (several inputs, in input order)", async () => {
    const r = await infer({
      model_name: "summer",
      inputs: [{ name: "x", datatype: "FP32", shape: [1, 3] }],
      raw_input_contents: [le("f32", [1, 2, 4])],
    });
    expect(r.raw_output_contents).toEqual([le("f64", [7])]);
    const two = await infer({
      model_name: "echo",
      inputs: [
        { name: "a", datatype: "INT32", shape: [1] },
        { name: "b", datatype: "FP64", shape: [1] },
      ],
      raw_input_contents: [le("i32", [9]), le("f64", [0.25])],
    });
    expect(two.outputs.map((o) => o.name)).toEqual(["a", "b"]);
    expect(two.raw_output_contents).toEqual([le("i32", [9]), le("f64", [0.25])]);
  });
});

describe("gRPC errors map to status codes with the data plane's messages", () => {
  async function invalid(request: object, ...fragments: string[]): Promise<void> {
    const e = await rejection(infer(request));
    expect(e.code).toBe(status.INVALID_ARGUMENT);
    for (const fragment of fragments) expect(e.details).toContain(fragment);
  }

  it("NOT_FOUND for an unknown model or version", async () => {
    const input = { name: "t", datatype: "INT32", shape: [1], contents: { int_contents: [1] } };
    const e = await rejection(infer({ model_name: "ghost", inputs: [input] }));
    expect(e.code).toBe(status.NOT_FOUND);
    expect(e.details).toBe("model 'ghost' not found");
    const v = await rejection(infer({ model_name: "summer", model_version: "v1", inputs: [input] }));
    expect(v.code).toBe(status.NOT_FOUND);
  });

  it("INVALID_ARGUMENT for malformed tensors, naming the input and what was expected", async () => {
    await invalid({ model_name: "echo", inputs: [] }, "'inputs'");
    await invalid(
      { model_name: "echo", inputs: [{ name: "t", datatype: "FLOAT", shape: [1] }] },
      "input 't'",
      "unknown datatype",
      "FP32",
    );
    await invalid(
      {
        model_name: "echo",
        inputs: [{ name: "t", datatype: "INT32", shape: [3], contents: { int_contents: [1] } }],
      },
      "input 't'",
      "3 elements",
    );
    await invalid(
      {
        model_name: "echo",
        inputs: [{ name: "t", datatype: "INT8", shape: [1], contents: { int_contents: [300] } }],
      },
      "input 't' (INT8)",
      "[-128, 127]",
    );
    await invalid(
      {
        model_name: "echo",
        inputs: [{ name: "t", datatype: "INT32", shape: [1], contents: { fp32_contents: [1] } }],
      },
      "fp32_contents",
      "expected int_contents",
    );
    await invalid(
      {
        model_name: "echo",
        inputs: [{ name: "t", datatype: "FP16", shape: [1], contents: { fp32_contents: [1] } }],
      },
      "raw_input_contents",
    );
    await invalid(
      { model_name: "echo", inputs: [{ name: "t", datatype: "INT32", shape: [-1] }] },
      "shape dimension 0",
    );
  });

  it("INVALID_ARGUMENT for inconsistent raw contents", async () => {
    const t = { name: "t", datatype: "INT32", shape: [2] };
    await invalid(
      { model_name: "echo", inputs: [t], raw_input_contents: [Buffer.alloc(4)] },
      "needs 8 bytes",
      "got 4",
    );
    await invalid(
      { model_name: "echo", inputs: [t, { ...t, name: "u" }], raw_input_contents: [Buffer.alloc(8)] },
      "raw_input_contents has 1 entries but there are 2 inputs",
    );
    await invalid(
      {
        model_name: "echo",
        inputs: [{ ...t, contents: { int_contents: [1, 2] } }],
        raw_input_contents: [Buffer.alloc(8)],
      },
      "both",
    );
    await invalid(
      {
        model_name: "echo",
        inputs: [{ name: "s", datatype: "BYTES", shape: [1] }],
        raw_input_contents: [Buffer.from([9, 0, 0, 0, 1])],
      },
      "input 's' (BYTES)",
      "declares 9 bytes",
    );
  });

  it("INVALID_ARGUMENT when a request does not fit the model's declared inputs or outputs", async () => {
    await invalid(
      {
        model_name: "summer",
        inputs: [{ name: "y", datatype: "FP32", shape: [1, 3], contents: { fp32_contents: [1, 2, 3] } }],
      },
      "'y'",
      "'x'",
    );
    await invalid(
      {
        model_name: "summer",
        inputs: [{ name: "x", datatype: "FP32", shape: [1, 4], contents: { fp32_contents: [1, 2, 3, 4] } }],
      },
      "[1, 4]",
      "[-1, 3]",
    );
    await invalid(
      {
        model_name: "summer",
        inputs: [{ name: "x", datatype: "FP32", shape: [1, 3], contents: { fp32_contents: [1, 2, 3] } }],
        outputs: [{ name: "proba" }],
      },
      "'proba'",
    );
  });

  it("INTERNAL with the model's message when the model throws, and the server keeps serving", async () => {
    const e = await rejection(
      infer({
        model_name: "echo",
        parameters: { noop_raise: { string_param: "boom in predict" } },
        inputs: [{ name: "t", datatype: "INT32", shape: [1], contents: { int_contents: [1] } }],
      }),
    );
    expect(e.code).toBe(status.INTERNAL);
    expect(e.details).toContain("boom in predict");
    expect(await f.call("ServerLive", {})).toEqual({ live: true });
    const ok = await infer({
      model_name: "echo",
      inputs: [{ name: "t", datatype: "INT32", shape: [1], contents: { int_contents: [1] } }],
    });
    expect(ok.outputs[0].contents?.int_contents).toEqual([1]);
  });

  it("UNAVAILABLE for a model that is unloaded", async () => {
    const g = await startGrpcFixture([{ name: "gone", implementation: "noop" }]);
    try {
      await g.dataplane.unloadModel("gone");
      expect(await g.call("ModelReady", { name: "gone" })).toEqual({ ready: false });
      const e = await rejection(
        g.call("ModelInfer", {
          model_name: "gone",
          inputs: [{ name: "t", datatype: "INT32", shape: [1], contents: { int_contents: [1] } }],
        }),
      );
      expect(e.code).toBe(status.UNAVAILABLE);
      expect(e.details).toContain("not ready");
    } finally {
      await g.close();
    }
  });
});

describe("gRPC failure log", () => {
  it("logs INTERNAL failures with the model's message, not the client's mistakes", async () => {
    const logged: { details: object; message: string }[] = [];
    const logger = { error: (details: object, message: string) => logged.push({ details, message }) };
    const server = await startGrpcServer(f.dataplane, { port: 0, logger });
    const client = new (inferenceService())(`127.0.0.1:${server.port}`, credentials.createInsecure());
    const infer = (request: object) =>
      new Promise<ServiceError | null>((resolve) =>
        (
          client as unknown as Record<string, (r: object, cb: (e: ServiceError | null) => void) => void>
        ).ModelInfer.call(client, request, resolve),
      );
    try {
      const input = { name: "t", datatype: "INT32", shape: [1], contents: { int_contents: [1] } };
      expect((await infer({ model_name: "ghost", inputs: [input] }))?.code).toBe(status.NOT_FOUND);
      const failed = await infer({
        model_name: "echo",
        parameters: { noop_raise: { string_param: "kaput" } },
        inputs: [input],
      });
      expect(failed?.code).toBe(status.INTERNAL);
      expect(logged).toEqual([
        {
          details: { transport: "grpc", method: "ModelInfer", code: "INTERNAL" },
          message: "model 'echo' failed: kaput",
        },
      ]);
    } finally {
      client.close();
      await server.close();
    }
  });
});

describe("gRPC server lifecycle", () => {
  it("close() lets an in-flight call finish, then refuses new calls", async () => {
    let reached!: () => void;
    const started = new Promise<void>((resolve) => {
      reached = resolve;
    });
    // a noop model that tells when a call has reached it, then answers 300 ms later
    const g = await startGrpcFixture(
      [{ name: "slow", implementation: "noop", parameters: { delay_ms: 300 } }],
      async (settings) => {
        const model = await noop.load(settings);
        return {
          settings: model.settings,
          metadata: () => model.metadata(),
          infer: (request) => {
            reached();
            return model.infer(request);
          },
        };
      },
    );
    const inFlight = g.call<InferResponse>("ModelInfer", {
      model_name: "slow",
      inputs: [{ name: "t", datatype: "INT32", shape: [1], contents: { int_contents: [42] } }],
    });
    await started;
    const closed = g.server.close();
    const r = await inFlight;
    expect(r.outputs[0].contents?.int_contents).toEqual([42]);
    await closed;
    const after = await rejection(g.call("ServerLive", {}));
    expect(after.code).toBe(status.UNAVAILABLE);
    await g.close();
  });
});
