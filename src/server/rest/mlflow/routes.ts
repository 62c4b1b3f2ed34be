import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Logger } from "pino";
import { ErrorCodes, isModelserveError, ModelserveError } from "../../../errors.js";
import { ParamsError, SchemaEnforcementError } from "../../../mlflow/errors.js";
import type { PyfuncModel } from "../../../mlflow/pyfunc.js";
import { VERSION } from "../../../version.js";
import type { DataPlane } from "../../dataplane.js";
import { ModelNotReadyError } from "../../errors.js";
import {
  CONTENT_TYPE_JSON,
  invoke,
  ModelEvaluationError,
  UnsupportedContentTypeError,
} from "./invocations.js";

/**
 * MLflow's scoring protocol next to V2, on the paths `mlflow models serve` (and MLServer's MLflow
 * runtime) answer: `GET /ping`, `/health`, `/version` and `POST /invocations`. /invocations serves the
 * MLflow model of the server (a model whose runtime gives a pyfunc); with several, `?model=<name>` (and
 * optionally `&version=`) picks one. Errors have mlflow's body `{"error_code": ..., "message": ...}`.
 */

export interface MlflowScoringOptions {
  dataplane: DataPlane;
  logger: Logger;
}

interface InvocationsQuery {
  model?: string;
  version?: string;
}

interface MlflowErrorCode {
  status: number;
  error_code: string;
  /** mlflow derives these from the error code and writes them after the message */
  sqlstate?: string;
  error_class?: string;
}

const INTERNAL_ERROR: MlflowErrorCode = {
  status: 500,
  error_code: "INTERNAL_ERROR",
  sqlstate: "XXM00",
  error_class: "CLIENT_INTERNAL_ERROR",
};

/** mlflow's error code (and the status mlflow gives it) for ours. */
const MLFLOW_ERRORS: Partial<Record<string, MlflowErrorCode>> = {
  [ErrorCodes.BAD_REQUEST]: {
    status: 400,
    error_code: "BAD_REQUEST",
    sqlstate: "KAM00",
    error_class: "INVALID_PARAMETER_VALUE",
  },
  [ErrorCodes.MODEL_NOT_FOUND]: {
    status: 404,
    error_code: "RESOURCE_DOES_NOT_EXIST",
    sqlstate: "KAM00",
    error_class: "RESOURCE_NOT_FOUND",
  },
  [ErrorCodes.MODEL_NOT_READY]: {
    status: 503,
    error_code: "TEMPORARILY_UNAVAILABLE",
    sqlstate: "XXM00",
    error_class: "CLIENT_INTERNAL_ERROR",
  },
  [ErrorCodes.TIMEOUT]: { status: 504, error_code: "DEADLINE_EXCEEDED" },
};

/** No model with a pyfunc is ready: nothing answers /invocations (HTTP 404). */
export class NoMlflowModelError extends ModelserveError {
  constructor() {
    super(
      ErrorCodes.MODEL_NOT_FOUND,
      "no MLflow model is ready on this server: /invocations serves models of the mlflow runtime",
    );
  }
}

/** Several MLflow models and no `?model=`: the request must say which (HTTP 400). */
export class AmbiguousMlflowModelError extends ModelserveError {
  constructor(names: readonly string[]) {
    super(
      ErrorCodes.BAD_REQUEST,
      `this server serves ${names.length} MLflow models (${names.join(", ")}): pick one with /invocations?model=<name>`,
    );
  }
}

/** `?model=` names a model of another runtime, which has no pyfunc (HTTP 400). */
export class NotAnMlflowModelError extends ModelserveError {
  constructor(name: string, names: readonly string[]) {
    super(
      ErrorCodes.BAD_REQUEST,
      `model '${name}' is not an MLflow model, so it has no /invocations (it answers V2 requests at ` +
        `/v2/models/${name}/infer); ` +
        (names.length > 0 ? `MLflow models here: ${names.join(", ")}` : "no MLflow model is served here"),
    );
  }
}

function pyfuncNames(dataplane: DataPlane): string[] {
  const names = new Set<string>();
  for (const entry of dataplane.registry.entries()) {
    if (entry.state === "READY" && entry.model?.pyfunc !== undefined) names.add(entry.name);
  }
  return [...names].sort();
}

/** The pyfunc /invocations serves: the one named by the query, or the server's only MLflow model. */
function chooseModel(dataplane: DataPlane, query: InvocationsQuery): PyfuncModel {
  let name = query.model;
  if (name === undefined || name === "") {
    const names = pyfuncNames(dataplane);
    if (names.length === 0) throw new NoMlflowModelError();
    if (names.length > 1) throw new AmbiguousMlflowModelError(names);
    name = names[0];
  }
  const entry = dataplane.modelEntry(name, query.version || undefined);
  if (entry.state !== "READY" || entry.model === undefined) {
    throw new ModelNotReadyError(name, entry.version, entry.state, entry.reason);
  }
  if (entry.model.pyfunc === undefined) throw new NotAnMlflowModelError(name, pyfuncNames(dataplane));
  return entry.model.pyfunc;
}

/** pyfunc's refusals: mlflow raises these as INVALID_PARAMETER_VALUE, a schema one with its own class. */
const SCHEMA_ENFORCEMENT: MlflowErrorCode = {
  status: 400,
  error_code: "INVALID_PARAMETER_VALUE",
  sqlstate: "KAM01",
  error_class: "SCHEMA_ENFORCEMENT_FAILED",
};
const INVALID_PARAMETER_VALUE: MlflowErrorCode = {
  status: 400,
  error_code: "INVALID_PARAMETER_VALUE",
  sqlstate: "KAM00",
  error_class: "INVALID_PARAMETER_VALUE",
};

function mlflowCode(e: unknown): MlflowErrorCode | undefined {
  if (e instanceof SchemaEnforcementError) return SCHEMA_ENFORCEMENT;
  if (e instanceof ParamsError) return INVALID_PARAMETER_VALUE;
  return isModelserveError(e) ? MLFLOW_ERRORS[e.code] : undefined;
}

function mlflowError(e: unknown): { status: number; body: string; contentType: string } {
  if (e instanceof UnsupportedContentTypeError) {
    return { status: 415, body: e.message, contentType: "text/plain; charset=utf-8" };
  }
  const known = mlflowCode(e);
  const { status, ...code } = known ?? INTERNAL_ERROR;
  const reason = e instanceof Error ? e.message : String(e);
  const message = known === undefined ? `internal error: ${reason}` : reason;
  const { error_code, ...classification } = code;
  return {
    status,
    body: JSON.stringify({ error_code, message, ...classification }),
    contentType: CONTENT_TYPE_JSON,
  };
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

  app.post("/invocations", async (request: FastifyRequest<{ Querystring: InvocationsQuery }>, reply) => {
    try {
      const model = chooseModel(dataplane, request.query);
      const body = (request.body as Buffer | undefined) ?? Buffer.alloc(0);
      const json = await invoke(model, request.headers["content-type"], body);
      reply.code(200).header("content-type", CONTENT_TYPE_JSON).send(Buffer.from(json));
    } catch (e) {
      const { status, body, contentType } = mlflowError(e);
      if (status >= 500 || e instanceof ModelEvaluationError) {
        logger.error({ reqId: request.id, url: request.url, status, err: e }, "/invocations failed");
      } else if (logger.isLevelEnabled("debug")) {
        logger.debug({ reqId: request.id, url: request.url, status }, body);
      }
      reply.code(status).header("content-type", contentType).send(Buffer.from(body));
    }
  });
}
