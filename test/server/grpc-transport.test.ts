import { type ClientHttp2Session, connect, type IncomingHttpHeaders } from "node:http2";
import { gzipSync } from "node:zlib";
import { credentials, type ServiceError, status } from "@grpc/grpc-js";
import protobuf from "protobufjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGrpcServer } from "../../src/server/grpc/index.js";
import { PROTO_PATH } from "../../src/server/grpc/proto.js";
import { toStatus } from "../../src/server/grpc/status.js";
import { SettingsError } from "../../src/server/settings.js";
import { inferenceService } from "./grpc-clients.js";
import { type GrpcFixture, startGrpcFixture } from "./grpc-harness.js";

/**
 * gRPC semantics of the transport (grpc/doc/PROTOCOL-HTTP2.md), seen from real clients: grpc-js where it
 * can produce the case (compression, oversize messages, unknown methods, non-ASCII status messages), a
 * plain node:http2 client where only a misbehaving client can (bad framing, content types, server-side
 * deadlines, unknown encodings).
 */

const INFER_PATH = "/inference.GRPCInferenceService/ModelInfer";
const MAX_MESSAGE_BYTES = 4096;

let f: GrpcFixture;
let session: ClientHttp2Session;
const root = new protobuf.Root();
root.loadSync(PROTO_PATH, { keepCase: true });
const InferRequest = root.lookupType("inference.ModelInferRequest");
const InferResponse = root.lookupType("inference.ModelInferResponse");

const REQUEST = {
  model_name: "echo",
  inputs: [{ name: "t", datatype: "INT32", shape: [1], contents: { int_contents: [42] } }],
};
const REQUEST_BYTES = Buffer.from(InferRequest.encode(InferRequest.fromObject(REQUEST)).finish());

beforeAll(async () => {
  f = await startGrpcFixture([
    { name: "echo", implementation: "noop" },
    { name: "slow", implementation: "noop", parameters: { delay_ms: 400 } },
  ]);
  session = connect(`http://127.0.0.1:${f.server.port}`);
});

afterAll(async () => {
  session?.close();
  await f?.close();
});

function prefixed(message: Uint8Array, flag = 0): Buffer {
  const prefix = Buffer.alloc(5);
  prefix[0] = flag;
  prefix.writeUInt32BE(message.length, 1);
  return Buffer.concat([prefix, message]);
}

interface RawAnswer {
  httpStatus: number;
  headers: IncomingHttpHeaders;
  grpcStatus: number;
  grpcMessage: string;
  body: Buffer;
}

/**
 * One call over the raw session: headers, `body`, end of stream; resolves with the whole answer.
 */
function rawCall(
  body: Buffer,
  headers: Record<string, string> = {},
  options: { path?: string } = {},
): Promise<RawAnswer> {
  const stream = session.request({
    ":method": "POST",
    ":path": options.path ?? INFER_PATH,
    "content-type": "application/grpc",
    te: "trailers",
    ...headers,
  });
  // a GET stream is ended by the client itself
  if (headers[":method"] === undefined) stream.end(body);
  return new Promise((resolve, reject) => {
    let response: IncomingHttpHeaders = {};
    let trailers: IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    stream.on("response", (h) => {
      response = h;
    });
    stream.on("trailers", (t) => {
      trailers = t;
    });
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("error", reject);
    stream.on("close", () => {
      // a trailers-only answer carries grpc-status in its one HEADERS frame
      const grpcStatus = trailers["grpc-status"] ?? response["grpc-status"];
      const grpcMessage = trailers["grpc-message"] ?? response["grpc-message"] ?? "";
      resolve({
        httpStatus: Number(response[":status"]),
        headers: response,
        grpcStatus: Number(grpcStatus),
        grpcMessage: decodeURIComponent(String(grpcMessage)),
        body: Buffer.concat(chunks),
      });
    });
  });
}

type Infer = (
  request: object,
  options: object,
  callback: (error: ServiceError | null, response?: unknown) => void,
) => void;

/** A grpc-js client with its own channel options, calling ModelInfer once. */
async function clientCall(request: object, channelOptions: object = {}): Promise<unknown> {
  const client = new (inferenceService())(
    `127.0.0.1:${f.server.port}`,
    credentials.createInsecure(),
    channelOptions,
  );
  try {
    return await new Promise((resolve, reject) =>
      (client as unknown as { ModelInfer: Infer }).ModelInfer.call(client, request, {}, (e, r) =>
        e ? reject(e) : resolve(r),
      ),
    );
  } finally {
    client.close();
  }
}

describe("gRPC framing", () => {
  it("answers a well-framed call with headers, one length-prefixed message and grpc-status 0 trailers", async () => {
    const r = await rawCall(prefixed(REQUEST_BYTES));
    expect(r.httpStatus).toBe(200);
    expect(r.headers["content-type"]).toBe("application/grpc");
    expect(r.grpcStatus).toBe(0);
    expect(r.body[0]).toBe(0);
    expect(r.body.readUInt32BE(1)).toBe(r.body.length - 5);
    const answer = InferResponse.toObject(InferResponse.decode(r.body.subarray(5)));
    expect(answer.outputs[0].contents.int_contents).toEqual([42]);
  });

  it("accepts a message split across DATA frames, the prefix itself split", async () => {
    const whole = prefixed(REQUEST_BYTES);
    const stream = session.request({
      ":method": "POST",
      ":path": INFER_PATH,
      "content-type": "application/grpc+proto",
    });
    stream.write(whole.subarray(0, 3));
    await new Promise((resolve) => setTimeout(resolve, 20));
    stream.write(whole.subarray(3, 9));
    stream.end(whole.subarray(9));
    const trailers = await new Promise<IncomingHttpHeaders>((resolve) => stream.on("trailers", resolve));
    stream.resume();
    expect(trailers["grpc-status"]).toBe("0");
  });

  it("round-trips a 3 MiB raw tensor (many DATA frames each way) for a grpc-js client", async () => {
    const values = new Float64Array(3 * 131072).map((_, i) => i / 7);
    const bytes = Buffer.from(values.buffer);
    const response = (await clientCall({
      model_name: "echo",
      inputs: [{ name: "big", datatype: "FP64", shape: [values.length] }],
      raw_input_contents: [bytes],
    })) as { raw_output_contents: Buffer[] };
    expect(response.raw_output_contents).toHaveLength(1);
    expect(Buffer.compare(response.raw_output_contents[0], bytes)).toBe(0);
  });

  it("INTERNAL for a request without a message, a truncated one, or bytes after it", async () => {
    const none = await rawCall(Buffer.alloc(0));
    expect(none.grpcStatus).toBe(status.INTERNAL);
    expect(none.grpcMessage).toContain("without a message");
    const shortPrefix = await rawCall(Buffer.from([0, 0, 0]));
    expect(shortPrefix.grpcStatus).toBe(status.INTERNAL);
    expect(shortPrefix.grpcMessage).toContain("3 bytes received, expected a 5-byte prefix");
    const truncated = await rawCall(prefixed(REQUEST_BYTES).subarray(0, 10));
    expect(truncated.grpcStatus).toBe(status.INTERNAL);
    expect(truncated.grpcMessage).toContain(`10 bytes received, expected ${REQUEST_BYTES.length + 5} bytes`);
    const two = await rawCall(Buffer.concat([prefixed(REQUEST_BYTES), prefixed(REQUEST_BYTES)]));
    expect(two.grpcStatus).toBe(status.INTERNAL);
    expect(two.grpcMessage).toContain("exactly one length-prefixed message");
  });

  it("INTERNAL for an unknown compressed flag or bytes that are not the method's message", async () => {
    const flag = await rawCall(prefixed(REQUEST_BYTES, 7));
    expect(flag.grpcStatus).toBe(status.INTERNAL);
    expect(flag.grpcMessage).toContain("compressed flag is 7, expected 0 (plain) or 1 (compressed)");
    // field 1 (model_name) as a length-delimited string claiming 100 bytes it does not have
    const garbage = await rawCall(prefixed(Buffer.from([0x0a, 100, 1, 2])));
    expect(garbage.grpcStatus).toBe(status.INTERNAL);
    expect(garbage.grpcMessage).toContain("not a valid ModelInfer message");
  });

  it("refuses what is not a gRPC call: another HTTP method, content type or subtype", async () => {
    const get = await rawCall(Buffer.alloc(0), { ":method": "GET" });
    expect(get.httpStatus).toBe(405);
    expect(get.grpcMessage).toContain("HTTP method GET is not allowed");
    const json = await rawCall(prefixed(REQUEST_BYTES), { "content-type": "application/json" });
    expect(json.httpStatus).toBe(415);
    expect(json.grpcMessage).toContain("content-type application/json is not supported");
    const grpcJson = await rawCall(prefixed(REQUEST_BYTES), { "content-type": "application/grpc+json" });
    expect(grpcJson.httpStatus).toBe(415);
  });
});

describe("gRPC methods and status messages", () => {
  it("UNIMPLEMENTED for a method the server does not serve, to grpc-js and to a raw client", async () => {
    const client = new (inferenceService())(`127.0.0.1:${f.server.port}`, credentials.createInsecure());
    try {
      const error = await new Promise<ServiceError>((resolve, reject) =>
        client.makeUnaryRequest(
          "/inference.GRPCInferenceService/ModelExplain",
          (x: Buffer) => x,
          (x: Buffer) => x,
          Buffer.alloc(0),
          (e) => (e ? resolve(e) : reject(new Error("expected UNIMPLEMENTED"))),
        ),
      );
      expect(error.code).toBe(status.UNIMPLEMENTED);
      expect(error.details).toContain("unknown method /inference.GRPCInferenceService/ModelExplain");
    } finally {
      client.close();
    }
    const raw = await rawCall(prefixed(Buffer.alloc(0)), {}, { path: "/other.Service/Call" });
    expect(raw.httpStatus).toBe(200);
    expect(raw.grpcStatus).toBe(status.UNIMPLEMENTED);
  });

  it("maps invalid settings to INVALID_ARGUMENT, as REST answers them 400, not UNKNOWN", () => {
    const status = toStatus(new SettingsError("parallel_workers must be >= 0"));
    expect(status).toEqual({ code: 3, details: "parallel_workers must be >= 0" });
  });

  it("percent-encodes grpc-message, so a non-ASCII model name reaches the client intact", async () => {
    const e = (await clientCall({ ...REQUEST, model_name: "modèle 100%" }).catch((x) => x)) as ServiceError;
    expect(e.code).toBe(status.NOT_FOUND);
    expect(e.details).toBe("model 'modèle 100%' not found");
    const raw = await rawCall(prefixed(InferRequest.encode({ ...REQUEST, model_name: "ü" }).finish()));
    expect(raw.headers["grpc-message"]).toBe("model '%C3%BC' not found");
  });
});

describe("gRPC message size", () => {
  let small: Awaited<ReturnType<typeof startGrpcServer>>;
  beforeAll(async () => {
    small = await startGrpcServer(f.dataplane, { port: 0, maxMessageBytes: MAX_MESSAGE_BYTES });
  });
  afterAll(async () => {
    await small?.close();
  });

  it("RESOURCE_EXHAUSTED for a message larger than the maximum, from a grpc-js client", async () => {
    const client = new (inferenceService())(`127.0.0.1:${small.port}`, credentials.createInsecure());
    const values = Array.from({ length: 5000 }, (_, i) => i);
    try {
      const e = await new Promise<ServiceError>((resolve, reject) =>
        (client as unknown as { ModelInfer: Infer }).ModelInfer.call(
          client,
          {
            ...REQUEST,
            inputs: [{ ...REQUEST.inputs[0], shape: [5000], contents: { int_contents: values } }],
          },
          {},
          (error) => (error ? resolve(error) : reject(new Error("expected RESOURCE_EXHAUSTED"))),
        ),
      );
      expect(e.code).toBe(status.RESOURCE_EXHAUSTED);
      expect(e.details).toMatch(/received message larger than max \(\d+ vs\. 4096 bytes\)/);
    } finally {
      client.close();
    }
  });

  it("refuses as soon as the prefix announces too much, before the message arrives", async () => {
    const other = connect(`http://127.0.0.1:${small.port}`);
    try {
      const stream = other.request({
        ":method": "POST",
        ":path": INFER_PATH,
        "content-type": "application/grpc",
      });
      const prefix = Buffer.from([0, 0x40, 0, 0, 0]); // 1 GiB announced, never sent
      stream.write(prefix);
      const headers = await new Promise<IncomingHttpHeaders>((resolve) => stream.on("response", resolve));
      expect(headers["grpc-status"]).toBe(String(status.RESOURCE_EXHAUSTED));
      expect(headers["grpc-message"]).toBe("received message larger than max (1073741824 vs. 4096 bytes)");
      await new Promise((resolve) => stream.on("close", resolve));
      expect(stream.rstCode).toBe(0);
    } finally {
      other.close();
    }
  });

  it("RESOURCE_EXHAUSTED for a compressed message that inflates past the maximum", async () => {
    const huge = InferRequest.encode({
      ...REQUEST,
      inputs: [
        { name: "z", datatype: "BYTES", shape: [1], contents: { bytes_contents: [Buffer.alloc(100_000)] } },
      ],
    }).finish();
    const other = connect(`http://127.0.0.1:${small.port}`);
    try {
      const stream = other.request({
        ":method": "POST",
        ":path": INFER_PATH,
        "content-type": "application/grpc",
        "grpc-encoding": "gzip",
      });
      stream.end(prefixed(gzipSync(huge), 1));
      const headers = await new Promise<IncomingHttpHeaders>((resolve) => stream.on("response", resolve));
      expect(headers["grpc-status"]).toBe(String(status.RESOURCE_EXHAUSTED));
      expect(decodeURIComponent(String(headers["grpc-message"]))).toContain(
        "inflates past the largest accepted (4096 bytes)",
      );
    } finally {
      other.close();
    }
  });
});

describe("gRPC compression", () => {
  for (const [algorithm, name] of [
    [1, "deflate"],
    [2, "gzip"],
  ] as const) {
    it(`decodes requests a grpc-js client compresses with ${name}`, async () => {
      const response = (await clientCall(REQUEST, {
        "grpc.default_compression_algorithm": algorithm,
        // compress even this small message
        "grpc.min_message_size_to_compress": 0,
      })) as { outputs: { contents: { int_contents: number[] } }[] };
      expect(response.outputs[0].contents.int_contents).toEqual([42]);
    });
  }

  it("checks the compression for real: a flagged message in another encoding is refused", async () => {
    const gzipped = await rawCall(prefixed(gzipSync(REQUEST_BYTES), 1), { "grpc-encoding": "gzip" });
    expect(gzipped.grpcStatus).toBe(0);
    const mislabelled = await rawCall(prefixed(gzipSync(REQUEST_BYTES), 1), { "grpc-encoding": "deflate" });
    expect(mislabelled.grpcStatus).toBe(status.INTERNAL);
    expect(mislabelled.grpcMessage).toContain("not valid deflate data");
    const unlabelled = await rawCall(prefixed(gzipSync(REQUEST_BYTES), 1));
    expect(unlabelled.grpcStatus).toBe(status.INTERNAL);
    expect(unlabelled.grpcMessage).toContain("flagged compressed but the request has no grpc-encoding");
  });

  it("UNIMPLEMENTED for an unknown grpc-encoding, naming the ones accepted", async () => {
    const r = await rawCall(prefixed(REQUEST_BYTES, 1), { "grpc-encoding": "br" });
    expect(r.grpcStatus).toBe(status.UNIMPLEMENTED);
    expect(r.grpcMessage).toBe("grpc-encoding 'br' is not supported; expected one of identity,deflate,gzip");
    expect(r.headers["grpc-accept-encoding"]).toBe("identity,deflate,gzip");
  });
});

describe("gRPC deadlines", () => {
  const SLOW = Buffer.from(InferRequest.encode({ ...REQUEST, model_name: "slow" }).finish());

  it("DEADLINE_EXCEEDED from the server when grpc-timeout passes before the model answers", async () => {
    const r = await rawCall(prefixed(SLOW), { "grpc-timeout": "50m" });
    expect(r.grpcStatus).toBe(status.DEADLINE_EXCEEDED);
    expect(r.grpcMessage).toBe("deadline exceeded after 50 ms");
    // a deadline long enough lets the same call through
    expect((await rawCall(prefixed(SLOW), { "grpc-timeout": "10S" })).grpcStatus).toBe(0);
    // the longest grpc-timeout there is (11 407 years) is no deadline at all, not an overflowed timer
    expect((await rawCall(prefixed(SLOW), { "grpc-timeout": "99999999H" })).grpcStatus).toBe(0);
  });

  it("reads every grpc-timeout unit: 100 ms in any unit ends the 400 ms model, 1 s in any unit does not", async () => {
    const statuses = async (timeouts: string[]) =>
      Promise.all(
        timeouts.map(async (t) => (await rawCall(prefixed(SLOW), { "grpc-timeout": t })).grpcStatus),
      );
    const expired = await statuses(["100m", "100000u", "99999999n"]);
    expect(expired).toEqual(Array(3).fill(status.DEADLINE_EXCEEDED));
    const inTime = await statuses(["1H", "1M", "1S", "1000m", "1000000u", "2"]);
    expect(inTime.slice(0, 5)).toEqual(Array(5).fill(0));
    // a value without its unit is malformed
    expect(inTime[5]).toBe(status.INTERNAL);
  });

  it("INTERNAL for a malformed grpc-timeout", async () => {
    const r = await rawCall(prefixed(REQUEST_BYTES), { "grpc-timeout": "123456789m" });
    expect(r.grpcStatus).toBe(status.INTERNAL);
    expect(r.grpcMessage).toContain("grpc-timeout '123456789m' is malformed");
  });

  it("a grpc-js deadline and a cancelled call leave the server serving", async () => {
    const client = new (inferenceService())(`127.0.0.1:${f.server.port}`, credentials.createInsecure());
    const infer = (client as unknown as { ModelInfer: Infer }).ModelInfer.bind(client);
    try {
      const e = await new Promise<ServiceError | null>((resolve) =>
        infer({ ...REQUEST, model_name: "slow" }, { deadline: Date.now() + 50 }, resolve),
      );
      expect(e?.code).toBe(status.DEADLINE_EXCEEDED);
      const ok = await new Promise<unknown>((resolve, reject) =>
        infer(REQUEST, {}, (error, r) => (error ? reject(error) : resolve(r))),
      );
      expect(ok).toMatchObject({ model_name: "echo" });
    } finally {
      client.close();
    }
  });
});

describe("gRPC connection", () => {
  it("answers HTTP/2 PINGs (client keepalive)", async () => {
    const payload = Buffer.from("keepaliv");
    const echoed = await new Promise<Buffer>((resolve, reject) =>
      session.ping(payload, (error, _duration, ack) => (error ? reject(error) : resolve(ack))),
    );
    expect(echoed).toEqual(payload);
  });

  it("close() sends GOAWAY: the in-flight call finishes, new streams are refused", async () => {
    const server = await startGrpcServer(f.dataplane, { port: 0 });
    const own = connect(`http://127.0.0.1:${server.port}`);
    try {
      const goaway = new Promise<number>((resolve) => own.once("goaway", (code) => resolve(code)));
      const inFlight = requestOn(own, "slow");
      await new Promise((resolve) => setTimeout(resolve, 100));
      const closed = server.close();
      expect(await goaway).toBe(0);
      const answer = await inFlight;
      expect(answer.grpcStatus).toBe(0);
      await closed;
      expect(own.closed || own.destroyed).toBe(true);
    } finally {
      own.destroy();
    }
  });

  it("close() ends calls still running after the grace period", async () => {
    const server = await startGrpcServer(f.dataplane, { port: 0, shutdownGraceMs: 50 });
    const client = new (inferenceService())(`127.0.0.1:${server.port}`, credentials.createInsecure());
    try {
      const inFlight = new Promise<ServiceError | null>((resolve) =>
        (client as unknown as { ModelInfer: Infer }).ModelInfer.call(
          client,
          { ...REQUEST, model_name: "slow" },
          {},
          resolve,
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
      await server.close();
      // the model needed 400 ms; the server gave it 50 and dropped the connection
      const e = await inFlight;
      expect(e?.code).toBe(status.UNAVAILABLE);
    } finally {
      client.close();
    }
  });
});

function requestOn(own: ClientHttp2Session, model: string): Promise<{ grpcStatus: number }> {
  const stream = own.request({ ":method": "POST", ":path": INFER_PATH, "content-type": "application/grpc" });
  stream.end(prefixed(InferRequest.encode({ ...REQUEST, model_name: model }).finish()));
  stream.resume();
  return new Promise((resolve) =>
    stream.on("trailers", (t) => resolve({ grpcStatus: Number(t["grpc-status"]) })),
  );
}
