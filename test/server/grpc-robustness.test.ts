import { type ClientHttp2Session, connect, constants, type IncomingHttpHeaders } from "node:http2";
import { connect as tcpConnect } from "node:net";
import protobuf from "protobufjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGrpcServer } from "../../src/server/grpc/index.js";
import { PROTO_PATH } from "../../src/server/grpc/proto.js";
import { seededRandom } from "../seeded-random.js";
import { type GrpcFixture, startGrpcFixture } from "./grpc-harness.js";

/**
 * Issue #7, "impossible to crash with bad input": connection-level abuse thrown at a real gRPC server
 * (garbage bytes, HTTP/1.1, bad prefaces, hand-made frames after END_STREAM, resets mid-call, huge header
 * blocks, more streams than allowed, a client that never reads). An unhandled 'error' event would kill
 * the test process (vitest fails the run on it); after each attack a normal call must still succeed.
 */

const INFER_PATH = "/inference.GRPCInferenceService/ModelInfer";
const root = new protobuf.Root();
root.loadSync(PROTO_PATH, { keepCase: true });
const InferRequest = root.lookupType("inference.ModelInferRequest");

function requestBytes(model: string, values = [42], parameters?: object): Buffer {
  const message = InferRequest.encode({
    model_name: model,
    parameters,
    inputs: [{ name: "t", datatype: "INT32", shape: [values.length], contents: { int_contents: values } }],
  }).finish();
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(message.length, 1);
  return Buffer.concat([prefix, message]);
}

let f: GrpcFixture;

beforeAll(async () => {
  f = await startGrpcFixture([
    { name: "echo", implementation: "noop" },
    { name: "slow", implementation: "noop", parameters: { delay_ms: 300 } },
  ]);
});

afterAll(async () => {
  await f?.close();
});

/** A well-behaved call through grpc-js: the server still serves. */
async function expectServing(): Promise<void> {
  const answer = await f.call<{ outputs: { contents: { int_contents: number[] } }[] }>("ModelInfer", {
    model_name: "echo",
    inputs: [{ name: "t", datatype: "INT32", shape: [1], contents: { int_contents: [7] } }],
  });
  expect(answer.outputs[0].contents.int_contents).toEqual([7]);
}

/** Writes bytes on a fresh TCP connection and resolves with what the server sent before closing it. */
function rawExchange(bytes: Buffer, port = f.server.port): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(port, "127.0.0.1");
    const received: Buffer[] = [];
    socket.on("data", (chunk) => received.push(chunk));
    socket.on("error", reject);
    socket.on("close", () => resolve(Buffer.concat(received)));
    socket.setTimeout(5000, () => reject(new Error("the server kept the connection open")));
    socket.end(bytes);
  });
}

/** Writes bytes on a fresh TCP connection, keeping it open, and drops it after `ms`. */
function sendAndDrop(bytes: Buffer, ms: number, port: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = tcpConnect(port, "127.0.0.1");
    socket.on("error", () => {});
    socket.on("data", () => {});
    socket.on("close", () => resolve());
    socket.write(bytes);
    setTimeout(() => socket.destroy(), ms);
  });
}

// --- a few HTTP/2 frames by hand (RFC 9113 §4.1, HPACK literals without Huffman coding, RFC 7541 §6.2.2)

const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
const FrameType = { DATA: 0, HEADERS: 1, RST_STREAM: 3, SETTINGS: 4, GOAWAY: 7 } as const;
const END_STREAM = 0x1;
const END_HEADERS = 0x4;

function frame(type: number, flags: number, streamId: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(9);
  head.writeUIntBE(payload.length, 0, 3);
  head[3] = type;
  head[4] = flags;
  head.writeUInt32BE(streamId, 5);
  return Buffer.concat([head, payload]);
}

function hpackLength(length: number): Buffer {
  if (length < 127) return Buffer.from([length]);
  const bytes = [127];
  let rest = length - 127;
  while (rest >= 128) {
    bytes.push((rest % 128) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

function headerBlock(headers: [string, string][]): Buffer {
  return Buffer.concat(
    headers.flatMap(([name, value]) => [
      Buffer.from([0]),
      hpackLength(name.length),
      Buffer.from(name),
      hpackLength(value.length),
      Buffer.from(value),
    ]),
  );
}

const CALL_HEADERS: [string, string][] = [
  [":method", "POST"],
  [":scheme", "http"],
  [":path", INFER_PATH],
  [":authority", "localhost"],
  ["content-type", "application/grpc"],
  ["te", "trailers"],
];

/** The frame types the server sent, in order (skipping the bytes of a partial frame). */
function frameTypes(bytes: Buffer): number[] {
  const types: number[] = [];
  for (let at = 0; at + 9 <= bytes.length; at += 9 + bytes.readUIntBE(at, 3)) types.push(bytes[at + 3]);
  return types;
}

/** One raw-client stream, resolving with its answer or with the error that ended it. */
function answerOf(
  session: ClientHttp2Session,
  headers: Record<string, string | string[]>,
  body?: Buffer,
  options: { cancel?: boolean } = {},
): Promise<{ headers: IncomingHttpHeaders; trailers: IncomingHttpHeaders; error?: Error }> {
  const stream = session.request({
    ":method": "POST",
    ":path": INFER_PATH,
    "content-type": "application/grpc",
    ...headers,
  });
  if (body !== undefined) stream.end(body);
  if (options.cancel) stream.close(constants.NGHTTP2_CANCEL);
  stream.resume();
  return new Promise((resolve) => {
    let response: IncomingHttpHeaders = {};
    let trailers: IncomingHttpHeaders = {};
    let error: Error | undefined;
    stream.on("response", (h) => {
      response = h;
    });
    stream.on("trailers", (t) => {
      trailers = t;
    });
    stream.on("error", (e) => {
      error = e;
    });
    stream.on("close", () => resolve({ headers: response, trailers, error }));
  });
}

function grpcStatusOf(answer: { headers: IncomingHttpHeaders; trailers: IncomingHttpHeaders }): number {
  return Number(answer.trailers["grpc-status"] ?? answer.headers["grpc-status"]);
}

describe("gRPC transport under hostile clients", () => {
  it("drops raw TCP garbage, HTTP/1.1 requests and a bad preface, and keeps serving", async () => {
    const garbage = Buffer.alloc(4096);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919 + 13) % 256;
    await rawExchange(garbage);
    await rawExchange(Buffer.from(`POST ${INFER_PATH} HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc`));
    await rawExchange(Buffer.from("GET / HTTP/1.1\r\nHost: x\r\nUpgrade: h2c\r\n\r\n"));
    await rawExchange(Buffer.from("PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n"));
    await expectServing();
  });

  it("survives 300 connections of frames with bytes flipped, cut or repeated (fixed seed), none left open", async () => {
    const { int, pick } = seededRandom(20261204);
    const valid = Buffer.concat([
      frame(FrameType.SETTINGS, 0, 0),
      frame(FrameType.HEADERS, END_HEADERS, 1, headerBlock([...CALL_HEADERS, ["grpc-timeout", "1S"]])),
      frame(FrameType.DATA, END_STREAM, 1, requestBytes("echo", [1, 2, 3])),
      frame(FrameType.HEADERS, END_STREAM | END_HEADERS, 3, headerBlock(CALL_HEADERS)),
      frame(FrameType.RST_STREAM, 0, 3, Buffer.from([0, 0, 0, 8])),
    ]);
    const mutate = (bytes: Buffer): Buffer => {
      const out = Buffer.from(bytes);
      switch (pick(["flip", "cut", "repeat"] as const)) {
        case "flip":
          for (let n = 1 + int(4); n > 0; n--) out[int(out.length)] = int(256);
          return out;
        case "cut":
          return out.subarray(0, int(out.length));
        case "repeat": {
          const at = int(out.length);
          return Buffer.concat([out, out.subarray(at, at + 1 + int(64))]);
        }
      }
    };
    // a grace period longer than the test's timeout: close() returns in time only if no connection is
    // left, since Node keeps a connection nghttp2 refused open even after the client has gone
    const server = await startGrpcServer(f.dataplane, {
      port: 0,
      idleTimeoutMs: 100,
      shutdownGraceMs: 60_000,
    });
    try {
      for (let batch = 0; batch < 30; batch++) {
        await Promise.all(
          Array.from({ length: 10 }, () =>
            sendAndDrop(Buffer.concat([PREFACE, mutate(valid)]), 30, server.port),
          ),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      await server.close();
    }
    await expectServing();
  });

  it("answers headers with END_STREAM and no body; a body after END_STREAM or a bad frame ends the connection", async () => {
    const server = await startGrpcServer(f.dataplane, { port: 0, idleTimeoutMs: 200 });
    try {
      // rawExchange fails unless the server closes the connection, which Node alone never does after
      // nghttp2's GOAWAY (the idle timeout does)
      const answer = await rawExchange(
        Buffer.concat([
          PREFACE,
          frame(FrameType.SETTINGS, 0, 0),
          frame(FrameType.HEADERS, END_STREAM | END_HEADERS, 1, headerBlock(CALL_HEADERS)),
          frame(FrameType.DATA, END_STREAM, 1, requestBytes("echo")),
        ]),
        server.port,
      );
      expect(frameTypes(answer)).toContain(FrameType.GOAWAY);
      // a good preface, then a SETTINGS frame of 5 bytes (a FRAME_SIZE_ERROR)
      const badFrame = await rawExchange(
        Buffer.concat([
          PREFACE,
          frame(FrameType.SETTINGS, 0, 0),
          frame(FrameType.SETTINGS, 0, 0, Buffer.alloc(5)),
        ]),
        server.port,
      );
      expect(frameTypes(badFrame)).toContain(FrameType.GOAWAY);
    } finally {
      await server.close();
    }
    const session = connect(`http://127.0.0.1:${f.server.port}`);
    try {
      const headersOnly = await answerOf(session, {}, Buffer.alloc(0));
      expect(grpcStatusOf(headersOnly)).toBe(13);
      expect(String(headersOnly.headers["grpc-message"])).toMatch(/without a message/);
    } finally {
      session.close();
    }
    await expectServing();
  });

  it("survives streams reset and sessions destroyed mid-call, before and after the request body", async () => {
    for (const moment of ["before body", "after body"] as const) {
      const session = connect(`http://127.0.0.1:${f.server.port}`);
      session.on("error", () => {});
      const streams = Array.from({ length: 20 }, (_, i) => {
        const stream = session.request({
          ":method": "POST",
          ":path": INFER_PATH,
          "content-type": "application/grpc",
          "grpc-timeout": "5S",
        });
        stream.on("error", () => {});
        if (moment === "after body") stream.end(requestBytes(i % 2 === 0 ? "slow" : "echo"));
        else stream.write(requestBytes("slow").subarray(0, 3));
        return stream;
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      for (const [i, stream] of streams.entries()) if (i < 10) stream.close(constants.NGHTTP2_CANCEL);
      session.destroy();
    }
    // the slow model answers after the resets: there is no stream left to answer on
    await new Promise((resolve) => setTimeout(resolve, 400));
    await expectServing();
  });

  it("survives a rapid reset: 2000 calls opened and cancelled at once on one connection", async () => {
    const session = connect(`http://127.0.0.1:${f.server.port}`);
    session.on("error", () => {});
    try {
      const body = requestBytes("echo");
      await Promise.all(Array.from({ length: 2000 }, () => answerOf(session, {}, body, { cancel: true })));
    } finally {
      session.destroy();
    }
    await expectServing();
  });

  it("runs no model for a call the client cancelled as its request ended", async () => {
    const failures: string[] = [];
    const server = await startGrpcServer(f.dataplane, {
      port: 0,
      logger: { error: (_details, message) => failures.push(message) },
    });
    const session = connect(`http://127.0.0.1:${server.port}`);
    try {
      // the model throws, so each call it runs is logged; the END_STREAM and the reset leave together
      const raising = requestBytes("echo", [1], { noop_raise: { string_param: "ran for nobody" } });
      await Promise.all(Array.from({ length: 30 }, () => answerOf(session, {}, raising, { cancel: true })));
      // the same call not cancelled, after them on the connection, is run and logged, alone
      expect(grpcStatusOf(await answerOf(session, {}, raising))).toBe(13);
      expect(failures).toEqual(["model 'echo' failed: ran for nobody"]);
    } finally {
      session.destroy();
      await server.close();
    }
  });

  it("refuses oversize header blocks and streams past the concurrency limit, and keeps serving", async () => {
    const session = connect(`http://127.0.0.1:${f.server.port}`);
    session.on("error", () => {});
    try {
      const hugeValue = await answerOf(session, { "x-big": "v".repeat(200_000) }, requestBytes("echo"));
      expect(grpcStatusOf(hugeValue)).not.toBe(0);
      const manyPairs = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`x-h${i}`, "v"]));
      const tooMany = await answerOf(session, manyPairs, requestBytes("echo"));
      expect(grpcStatusOf(tooMany)).not.toBe(0);
    } finally {
      session.destroy();
    }
    // 1100 streams opened at once on one connection, none of them finished by the client yet
    const crowd = connect(`http://127.0.0.1:${f.server.port}`, { peerMaxConcurrentStreams: 2000 });
    crowd.on("error", () => {});
    try {
      const answers = Array.from({ length: 1100 }, () => answerOf(crowd, {}));
      await new Promise((resolve) => setTimeout(resolve, 200));
      await expectServing();
      crowd.destroy();
      const outcomes = await Promise.all(answers);
      expect(outcomes.every((o) => o.error !== undefined || grpcStatusOf(o) !== 0)).toBe(true);
    } finally {
      crowd.destroy();
    }
    await expectServing();
  });

  it("closes a silent connection with GOAWAY NO_ERROR after the idle timeout, its running call finished first", async () => {
    const server = await startGrpcServer(f.dataplane, { port: 0, idleTimeoutMs: 200 });
    const session = connect(`http://127.0.0.1:${server.port}`);
    try {
      const goaway = new Promise<number>((resolve) => session.once("goaway", resolve));
      const closed = new Promise((resolve) => session.once("close", resolve));
      // the slow model answers after 300 ms: past one idle period, within two
      const answer = await answerOf(session, {}, requestBytes("slow"));
      expect(grpcStatusOf(answer)).toBe(0);
      expect(await goaway).toBe(constants.NGHTTP2_NO_ERROR);
      await closed;
    } finally {
      session.destroy();
      await server.close();
    }
  });

  it("a client that never reads its answer holds no call past close()'s grace period", async () => {
    const server = await startGrpcServer(f.dataplane, { port: 0, shutdownGraceMs: 100 });
    // a window of 0: the server can send the answer's headers but none of its message
    const session = connect(`http://127.0.0.1:${server.port}`, { settings: { initialWindowSize: 0 } });
    session.on("error", () => {});
    try {
      const values = Array.from({ length: 100_000 }, (_, i) => i);
      const stream = session.request({
        ":method": "POST",
        ":path": INFER_PATH,
        "content-type": "application/grpc",
      });
      stream.on("error", () => {});
      stream.pause();
      const headers = new Promise<IncomingHttpHeaders>((resolve) => stream.once("response", resolve));
      stream.end(requestBytes("echo", values));
      expect((await headers)[":status"]).toBe(200);
      await server.close();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(session.destroyed || session.closed).toBe(true);
    } finally {
      session.destroy();
    }
    await expectServing();
  });
});
