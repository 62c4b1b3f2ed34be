import { createServer } from "node:http";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import type { Logger } from "pino";
import type { DataPlane } from "../dataplane.js";
import type { ServerMetrics } from "../metrics.js";
import { openApiDocument } from "../openapi/document.js";
import { FastInferRoute } from "./fast-infer.js";
import { JSON_CONTENT_TYPE, type ModelParams } from "./infer-route.js";
import { registerMlflowScoring } from "./mlflow/routes.js";
import { toHttpError } from "./status.js";

/**
 * The V2 REST transport over the DataPlane (fastify). Bodies arrive as raw Buffers (one parser for every
 * content type) because the binary tensor extension needs the bytes and JSON is parsed once by the codec.
 * Responses are pre-serialised strings. Per-request logging is at debug level only, errors at error
 * level: nothing synchronous on the hot path.
 */

export interface RestOptions {
  dataplane: DataPlane;
  metrics: ServerMetrics;
  logger: Logger;
  /** largest accepted request body in bytes (413 beyond) */
  maxRequestBodyBytes: number;
  /** time to receive a whole request, in ms (0: no limit) */
  requestTimeoutMs: number;
  /** serve /v2/docs (the OpenAPI document and its rendering) */
  docs: boolean;
}

const JSON_TYPE = JSON_CONTENT_TYPE;

function sendJson(reply: FastifyReply, status: number, body: unknown): void {
  reply.code(status).header("content-type", JSON_TYPE).send(JSON.stringify(body));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Optional JSON bodies of the repository API: empty is fine, anything else must be a JSON object. */
function optionalJsonObject(body: unknown): Record<string, unknown> {
  const bytes = body as Buffer | undefined;
  if (bytes === undefined || bytes.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString("utf8"));
  } catch (e) {
    throw Object.assign(new Error(`the request body is not valid JSON: ${(e as Error).message}`), {
      statusCode: 400,
    });
  }
  if (!isObject(parsed))
    throw Object.assign(new Error("the request body must be a JSON object"), { statusCode: 400 });
  return parsed;
}

export async function buildRestApp(options: RestOptions): Promise<FastifyInstance> {
  const { dataplane, metrics, logger } = options;
  let closing = false;
  const fast = new FastInferRoute({
    dataplane,
    metrics,
    logger,
    maxRequestBodyBytes: options.maxRequestBodyBytes,
    isClosing: () => closing,
  });
  const app = Fastify({
    logger: false,
    serverFactory: (handler) => {
      const server = createServer((req, res) => {
        if (!fast.handle(req, res)) handler(req, res);
      });
      server.requestTimeout = options.requestTimeoutMs;
      return server;
    },
    bodyLimit: options.maxRequestBodyBytes,
    requestTimeout: options.requestTimeoutMs,
    return503OnClosing: true,
    forceCloseConnections: "idle",
    // model names may contain characters a router would otherwise refuse
    routerOptions: { maxParamLength: 1024, ignoreTrailingSlash: true },
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => done(null, body));

  app.setErrorHandler((error, request, reply) => {
    const { status, body } = toHttpError(error);
    if (status >= 500) {
      const params = request.params as Partial<ModelParams> | undefined;
      logger.error(
        {
          reqId: request.id,
          model: params?.model,
          version: params?.version,
          url: request.url,
          status,
          err: error,
        },
        body.error,
      );
    } else if (logger.isLevelEnabled("debug")) {
      logger.debug({ reqId: request.id, url: request.url, status }, body.error);
    }
    sendJson(reply, status, body);
  });
  app.setNotFoundHandler((request, reply) => {
    sendJson(reply, 404, { error: `no route ${request.method} ${request.url.split("?")[0]}` });
  });

  app.addHook("onResponse", (request, reply, done) => {
    metrics.observeRest(
      request.method,
      request.routeOptions.url ?? "unknown",
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    if (logger.isLevelEnabled("debug")) {
      logger.debug(
        { reqId: request.id, url: request.url, status: reply.statusCode, ms: reply.elapsedTime },
        "request",
      );
    }
    done();
  });

  app.get("/v2", (_request, reply) => sendJson(reply, 200, dataplane.serverMetadata()));
  app.get("/v2/health/live", (_request, reply) => {
    const live = dataplane.live();
    sendJson(reply, live ? 200 : 400, { live });
  });
  app.get("/v2/health/ready", (_request, reply) => {
    const ready = dataplane.ready();
    sendJson(reply, ready ? 200 : 400, { ready });
  });

  const metadata = (request: FastifyRequest<{ Params: ModelParams }>, reply: FastifyReply) => {
    const { model, version } = request.params;
    sendJson(reply, 200, dataplane.modelMetadata(model, version));
  };
  app.get("/v2/models/:model", metadata);
  app.get("/v2/models/:model/versions/:version", metadata);

  const ready = (request: FastifyRequest<{ Params: ModelParams }>, reply: FastifyReply) => {
    const { model, version } = request.params;
    const entry = dataplane.modelEntry(model, version);
    const isReady = entry.state === "READY";
    sendJson(
      reply,
      isReady ? 200 : 400,
      isReady
        ? { name: model, ready: true }
        : { name: model, ready: false, state: entry.state, reason: entry.reason },
    );
  };
  app.get("/v2/models/:model/ready", ready);
  app.get("/v2/models/:model/versions/:version/ready", ready);

  // POST …/infer is served by FastInferRoute before fastify's router
  app.addHook("preClose", (done) => {
    closing = true;
    done();
  });

  app.post("/v2/repository/index", async (request, reply) => {
    const body = optionalJsonObject(request.body);
    sendJson(reply, 200, await dataplane.repositoryIndex({ ready: body.ready === true }));
  });
  app.post(
    "/v2/repository/models/:model/load",
    async (request: FastifyRequest<{ Params: ModelParams }>, reply) => {
      optionalJsonObject(request.body);
      await dataplane.loadModel(request.params.model);
      reply.code(200).send();
    },
  );
  app.post(
    "/v2/repository/models/:model/unload",
    async (request: FastifyRequest<{ Params: ModelParams }>, reply) => {
      optionalJsonObject(request.body);
      await dataplane.unloadModel(request.params.model);
      reply.code(200).send();
    },
  );

  registerMlflowScoring(app, { dataplane, logger, observer: metrics, timeoutMs: options.requestTimeoutMs });

  app.get("/metrics", async (_request, reply) => {
    reply.header("content-type", metrics.contentType()).send(await metrics.text());
  });

  if (options.docs) {
    const document = openApiDocument();
    await app.register(fastifySwagger, { mode: "static", specification: { document: document as never } });
    await app.register(fastifySwaggerUi, { routePrefix: "/v2/docs", logLevel: "silent" });
    app.get("/v2/docs/openapi.json", (_request, reply) => sendJson(reply, 200, document));
  }
  return app;
}
