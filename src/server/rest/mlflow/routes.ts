import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Logger } from "pino";
import { VERSION } from "../../../version.js";
import type { DataPlane, InferenceObserver } from "../../dataplane.js";
import { ModelEvaluationError, mlflowErrorResponse } from "./errors.js";
import { CONTENT_TYPE_JSON, invoke } from "./invocations.js";
import { chooseModel, type ModelQuery } from "./model-choice.js";

/**
 * MLflow's scoring protocol next to V2, on the paths `mlflow models serve` (and MLServer's MLflow
 * runtime) answer: `GET /ping`, `/health`, `/version` and `POST /invocations`.
 */

export interface MlflowScoringOptions {
  dataplane: DataPlane;
  logger: Logger;
  /** told of every prediction, as V2 inferences are (the per-model Prometheus metrics) */
  observer?: InferenceObserver;
  /** longest a prediction may take, in ms (0: no limit); then 504 DEADLINE_EXCEEDED, as mlflow's timeout */
  timeoutMs: number;
}

/** Bodies go out as bytes: fastify would add a charset to the content type of a string, mlflow does not. */
const NEWLINE = Buffer.from("\n");

export function registerMlflowScoring(app: FastifyInstance, options: MlflowScoringOptions): void {
  const { dataplane, logger } = options;

  // mlflow answers a bare newline, as JSON, to say it is up
  const ping = (_request: FastifyRequest, reply: FastifyReply) => {
    reply
      .code(dataplane.ready() ? 200 : 503)
      .header("content-type", CONTENT_TYPE_JSON)
      .send(NEWLINE);
  };
  app.get("/ping", ping);
  app.get("/health", ping);
  app.get("/version", (_request, reply) => {
    reply.code(200).header("content-type", CONTENT_TYPE_JSON).send(Buffer.from(VERSION));
  });

  app.post("/invocations", async (request: FastifyRequest<{ Querystring: ModelQuery }>, reply) => {
    let chosen: { name: string; version: string | undefined; started: number } | undefined;
    try {
      const { name, version, pyfunc } = chooseModel(dataplane, request.query);
      chosen = { name, version, started: performance.now() };
      const body = (request.body as Buffer | undefined) ?? Buffer.alloc(0);
      const json = await invoke(pyfunc, request.headers["content-type"], body, {
        name,
        timeoutMs: options.timeoutMs,
      });
      options.observer?.observe(name, version, (performance.now() - chosen.started) / 1000, true);
      reply.code(200).header("content-type", CONTENT_TYPE_JSON).send(Buffer.from(json));
    } catch (e) {
      if (chosen !== undefined) {
        const seconds = (performance.now() - chosen.started) / 1000;
        options.observer?.observe(chosen.name, chosen.version, seconds, false);
      }
      const { status, body, contentType } = mlflowErrorResponse(e);
      if (status >= 500 || e instanceof ModelEvaluationError) {
        logger.error({ reqId: request.id, url: request.url, status, err: e }, "/invocations failed");
      } else if (logger.isLevelEnabled("debug")) {
        logger.debug({ reqId: request.id, url: request.url, status }, body);
      }
      reply.code(status).header("content-type", contentType).send(Buffer.from(body));
    }
  });
}
