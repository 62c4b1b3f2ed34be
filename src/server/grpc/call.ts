import { constants, type IncomingHttpHeaders, type ServerHttp2Stream } from "node:http2";
import { ACCEPTED_ENCODINGS, decompress, type Encoding, requestEncoding } from "./compression.js";
import { framed, UnaryMessageReader } from "./framing.js";
import { encodeGrpcMessage, isGrpcContentType, timeoutMs } from "./headers.js";
import type { Method } from "./methods.js";
import { GrpcProtocolError, Status, type StatusError, statusName, toStatus } from "./status.js";

/**
 * One unary gRPC call on one HTTP/2 stream: check the headers, read the one request message, run the
 * handler, answer with headers + message + trailers, or with trailers only when the call fails.
 */

/** The part of a pino logger the transport uses. */
export interface ErrorLogger {
  error(details: object, message: string): void;
}

export interface CallContext {
  methods: ReadonlyMap<string, Method>;
  maxMessageBytes: number;
  /** told of every call whose handler failed with INTERNAL or UNKNOWN (a model that threw, a bug) */
  logger: ErrorLogger | undefined;
}

/** grpc-accept-encoding goes with refusals only: a client that compresses learns the encodings there. */
const OK_HEADERS = { ":status": 200, "content-type": "application/grpc" };
const OK_TRAILERS = { "grpc-status": "0" };

/** setTimeout's limit (about 24.8 days); a longer grpc-timeout (up to 99999999 hours) never fires. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

class UnaryCall {
  private done = false;
  private deadline: NodeJS.Timeout | undefined;

  constructor(
    private readonly stream: ServerHttp2Stream,
    private readonly method: Method,
    private readonly encoding: Encoding,
    private readonly context: CallContext,
  ) {}

  start(timeout: number | undefined): void {
    const stream = this.stream;
    if (timeout !== undefined && timeout <= LONGEST_TIMER_MS) {
      this.deadline = setTimeout(
        () => this.fail({ code: Status.DEADLINE_EXCEEDED, details: `deadline exceeded after ${timeout} ms` }),
        timeout,
      );
      // a stream the client resets (cancelled, its own deadline passed) needs its timer no more
      stream.once("close", () => this.finished());
    }
    const reader = new UnaryMessageReader(this.context.maxMessageBytes);
    stream.on("data", (chunk: Buffer) => {
      if (this.done) return;
      try {
        reader.push(chunk);
      } catch (e) {
        this.fail(toStatus(e));
      }
    });
    stream.once("end", () => {
      // a client that cancels as its request ends (END_STREAM and RST_STREAM read together) still
      // gets 'end', after the reset: no model runs for it
      if (this.done || !answerable(stream)) return;
      let request: unknown;
      try {
        request = this.decode(reader);
      } catch (e) {
        this.fail(toStatus(e));
        return;
      }
      this.run(request);
    });
  }

  private decode(reader: UnaryMessageReader): unknown {
    const message = reader.finish();
    const bytes = message.compressed
      ? decompress(message.bytes, this.encoding, this.context.maxMessageBytes)
      : message.bytes;
    try {
      return this.method.decode(bytes);
    } catch (e) {
      throw new GrpcProtocolError(
        Status.INTERNAL,
        `the request is not a valid ${this.method.name} message: ${(e as Error).message}`,
      );
    }
  }

  private run(request: unknown): void {
    let result: unknown;
    try {
      result = this.method.handler(request);
    } catch (e) {
      this.failFromHandler(e);
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (value) => this.succeed(value),
        (e: unknown) => this.failFromHandler(e),
      );
    } else {
      this.succeed(result);
    }
  }

  private succeed(response: unknown): void {
    if (this.done || !answerable(this.stream)) return;
    let body: Buffer;
    try {
      body = framed(this.method.encode(response));
    } catch (e) {
      this.failFromHandler(e);
      return;
    }
    this.finished();
    const stream = this.stream;
    stream.respond(OK_HEADERS, { waitForTrailers: true });
    stream.once("wantTrailers", () => stream.sendTrailers(OK_TRAILERS));
    stream.end(body);
  }

  private failFromHandler(error: unknown): void {
    const status = toStatus(error);
    if (!this.done && (status.code === Status.INTERNAL || status.code === Status.UNKNOWN)) {
      this.context.logger?.error(
        { transport: "grpc", method: this.method.name, code: statusName(status.code) },
        status.details,
      );
    }
    this.fail(status);
  }

  private fail(status: StatusError): void {
    if (this.done) return;
    this.finished();
    respondTrailersOnly(this.stream, status);
  }

  private finished(): void {
    this.done = true;
    if (this.deadline !== undefined) clearTimeout(this.deadline);
  }
}

/**
 * Whether the stream can still carry an answer. A stream the client reset (cancelled, its deadline
 * passed) or whose connection broke is closed, and may not be destroyed yet: respond() on it throws.
 */
function answerable(stream: ServerHttp2Stream): boolean {
  return !stream.destroyed && !stream.closed;
}

/**
 * A failed call's whole answer in one HEADERS frame. When the request is still arriving (an oversize
 * message), the stream is then reset with NO_ERROR, which tells the client to stop sending.
 */
function respondTrailersOnly(stream: ServerHttp2Stream, status: StatusError, httpStatus = 200): void {
  if (!answerable(stream) || stream.headersSent) return;
  stream.respond(
    {
      ":status": httpStatus,
      "content-type": "application/grpc",
      "grpc-accept-encoding": ACCEPTED_ENCODINGS,
      "grpc-status": String(status.code),
      "grpc-message": encodeGrpcMessage(status.details),
    },
    { endStream: true },
  );
  if (!stream.readableEnded) stream.close(constants.NGHTTP2_NO_ERROR);
}

/** What the transport answers before a call exists: a wrong HTTP method, content type or path. */
function refusal(headers: IncomingHttpHeaders, context: CallContext): [number, StatusError] | Method {
  if (headers[":method"] !== "POST") {
    const details = `HTTP method ${headers[":method"]} is not allowed; gRPC calls are POST`;
    return [405, { code: Status.UNIMPLEMENTED, details }];
  }
  if (!isGrpcContentType(headers["content-type"])) {
    const details = `content-type ${headers["content-type"] ?? "(none)"} is not supported; expected application/grpc or application/grpc+proto`;
    return [415, { code: Status.INTERNAL, details }];
  }
  const path = headers[":path"] ?? "";
  const method = context.methods.get(path);
  if (method === undefined) {
    return [200, { code: Status.UNIMPLEMENTED, details: `unknown method ${path}` }];
  }
  return method;
}

function ignore(): void {}

export function serveCall(
  stream: ServerHttp2Stream,
  headers: IncomingHttpHeaders,
  context: CallContext,
): void {
  // a reset by the client surfaces as an 'error' on the stream; the call just ends
  stream.on("error", ignore);
  const method = refusal(headers, context);
  if (Array.isArray(method)) {
    respondTrailersOnly(stream, method[1], method[0]);
    return;
  }
  let encoding: Encoding;
  let timeout: number | undefined;
  try {
    encoding = requestEncoding(headers["grpc-encoding"]);
    timeout = timeoutMs(headers["grpc-timeout"]);
  } catch (e) {
    respondTrailersOnly(stream, toStatus(e));
    return;
  }
  new UnaryCall(stream, method, encoding, context).start(timeout);
}
