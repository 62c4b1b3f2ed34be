import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { DataPlane } from "../dataplane.js";
import { BadRequestError } from "../errors.js";
import type { RestSeries, ServerMetrics } from "../metrics.js";
import {
  HEADER_LENGTH,
  type HttpInferResult,
  inferHttp,
  JSON_CONTENT_TYPE,
  type ModelParams,
  parseInferPath,
} from "./infer-route.js";
import { toHttpError } from "./status.js";

/**
 * The inference route straight on node:http, ahead of fastify's router: it is the one hot path, and a
 * framework's per-request machinery (hooks, reply objects, content-type negotiation) costs more than the
 * inference of a small model. Everything else goes through fastify. Limits, errors, metrics and logs
 * behave as on the fastify routes.
 */

const ROUTE = "/v2/models/:model/infer";
const VERSIONED_ROUTE = "/v2/models/:model/versions/:version/infer";

export interface FastInferOptions {
  dataplane: DataPlane;
  metrics: ServerMetrics;
  logger: Logger;
  maxRequestBodyBytes: number;
  /** true once the server is shutting down: new requests get 503 and the connection closes */
  isClosing: () => boolean;
}

const EMPTY = Buffer.alloc(0);

function decodeSegment(segment: string): string {
  if (!segment.includes("%")) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new BadRequestError(`the URL segment '${segment}' is not valid percent-encoding`);
  }
}

/** The model and version the URL names, percent-decoded (the same object when nothing was encoded). */
function decodedParams(raw: ModelParams): ModelParams {
  const model = decodeSegment(raw.model);
  if (raw.version === undefined) return model === raw.model ? raw : { model };
  const version = decodeSegment(raw.version);
  return model === raw.model && version === raw.version ? raw : { model, version };
}

export class FastInferRoute {
  /** the series of answered (200) requests per route, looked up once: the metrics' maps cost per request */
  private answered: RestSeries | undefined;
  private answeredVersioned: RestSeries | undefined;

  constructor(private readonly options: FastInferOptions) {}

  /** Handles the request if it is an inference; false hands it to fastify. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== "POST") return false;
    const path = parseInferPath(req.url ?? "");
    if (path === undefined) return false;
    const started = performance.now();
    const route = path.version === undefined ? ROUTE : VERSIONED_ROUTE;
    this.options.metrics.restInProgress.value++;
    if (this.options.isClosing()) {
      res.setHeader("connection", "close");
      this.reply(res, route, started, 503, JSON_CONTENT_TYPE, '{"error":"the server is shutting down"}');
      return true;
    }
    const declared = Number(req.headers["content-length"]);
    if (declared > this.options.maxRequestBodyBytes) {
      this.tooLarge(req, res, route, started);
      return true;
    }
    // a small body comes in one chunk: no array for it
    let first: Buffer | undefined;
    let chunks: Buffer[] | undefined;
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > this.options.maxRequestBodyBytes) this.tooLarge(req, res, route, started);
      else if (first === undefined) first = chunk;
      else if (chunks === undefined) chunks = [first, chunk];
      else chunks.push(chunk);
    });
    req.on("end", () => {
      if (res.headersSent) return;
      const body = chunks !== undefined ? Buffer.concat(chunks) : (first ?? EMPTY);
      this.run(req, res, path, route, body, started);
    });
    return true;
  }

  private tooLarge(req: IncomingMessage, res: ServerResponse, route: string, started: number): void {
    if (res.headersSent) return;
    res.setHeader("connection", "close");
    this.reply(
      res,
      route,
      started,
      413,
      JSON_CONTENT_TYPE,
      JSON.stringify({
        error: `request body is larger than the limit of ${this.options.maxRequestBodyBytes} bytes`,
      }),
    );
    // stop reading what the client still sends; the connection closes after the reply
    req.resume();
  }

  /** Answers in the same tick when the model is synchronous: no promise between the body and the reply. */
  private run(
    req: IncomingMessage,
    res: ServerResponse,
    path: ModelParams,
    route: string,
    body: Buffer,
    started: number,
  ): void {
    let params: ModelParams | undefined;
    try {
      params = decodedParams(path);
      const result = inferHttp(this.options.dataplane, params, req.headers[HEADER_LENGTH], body);
      if (result instanceof Promise) {
        const known = params;
        result.then(
          (done) => this.succeeded(res, route, started, known, done),
          (e: unknown) => this.failed(req, res, route, started, known, e),
        );
      } else {
        this.succeeded(res, route, started, params, result);
      }
    } catch (e) {
      this.failed(req, res, route, started, params, e);
    }
  }

  private succeeded(
    res: ServerResponse,
    route: string,
    started: number,
    params: ModelParams,
    result: HttpInferResult,
  ): void {
    if (result.headerLength !== undefined) res.setHeader(HEADER_LENGTH, result.headerLength);
    const seconds = this.send(res, 200, result.contentType, result.body, started);
    this.answeredSeries(route).observe(seconds);
    const logger = this.options.logger;
    if (logger.isLevelEnabled("debug")) {
      const ms = seconds * 1000;
      logger.debug({ url: res.req.url, status: 200, ms }, "request");
      logger.debug(
        { reqId: result.id, model: params.model, version: params.version, status: 200, ms },
        "inference",
      );
    }
  }

  private answeredSeries(route: string): RestSeries {
    if (route === ROUTE) {
      this.answered ??= this.options.metrics.restSeries("POST", ROUTE, 200);
      return this.answered;
    }
    this.answeredVersioned ??= this.options.metrics.restSeries("POST", VERSIONED_ROUTE, 200);
    return this.answeredVersioned;
  }

  private failed(
    req: IncomingMessage,
    res: ServerResponse,
    route: string,
    started: number,
    params: ModelParams | undefined,
    e: unknown,
  ): void {
    const { status, body: error } = toHttpError(e);
    const logger = this.options.logger;
    const ms = performance.now() - started;
    if (status >= 500) {
      logger.error(
        { model: params?.model, version: params?.version, url: req.url, status, ms, err: e },
        error.error,
      );
    } else if (logger.isLevelEnabled("debug")) {
      logger.debug({ model: params?.model, version: params?.version, status, ms }, error.error);
    }
    this.reply(res, route, started, status, JSON_CONTENT_TYPE, JSON.stringify(error));
  }

  /** Any answer but a success: counted under its status, logged at debug. */
  private reply(
    res: ServerResponse,
    route: string,
    started: number,
    status: number,
    contentType: string,
    body: string,
  ): void {
    const seconds = this.send(res, status, contentType, body, started);
    this.options.metrics.observeRest("POST", route, status, seconds);
    const logger = this.options.logger;
    if (logger.isLevelEnabled("debug"))
      logger.debug({ url: res.req.url, status, ms: seconds * 1000 }, "request");
  }

  /** Writes the whole answer and returns the seconds since the request arrived. */
  private send(
    res: ServerResponse,
    status: number,
    contentType: string,
    body: string | Buffer,
    started: number,
  ): number {
    this.options.metrics.restInProgress.value--;
    res.writeHead(status, {
      "content-type": contentType,
      "content-length": typeof body === "string" ? Buffer.byteLength(body) : body.length,
    });
    res.end(body);
    return (performance.now() - started) / 1000;
  }
}
