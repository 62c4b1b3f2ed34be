import { type ErrorCode, ErrorCodes, isModelserveError } from "../../errors.js";

/** HTTP status for each error code, as MLServer answers (404 unknown model, 400 bad request or not ready). */
const STATUS: Partial<Record<ErrorCode, number>> = {
  [ErrorCodes.BAD_REQUEST]: 400,
  [ErrorCodes.SPEC_INVALID]: 400,
  [ErrorCodes.MODEL_UNSUPPORTED]: 400,
  [ErrorCodes.MODEL_LOAD_FAILED]: 400,
  [ErrorCodes.MODEL_NOT_READY]: 400,
  [ErrorCodes.MODEL_NOT_FOUND]: 404,
  [ErrorCodes.NOT_FOUND]: 404,
  [ErrorCodes.INFERENCE_FAILED]: 500,
  [ErrorCodes.TIMEOUT]: 504,
  [ErrorCodes.SERVICE_UNAVAILABLE]: 503,
};

export interface HttpError {
  status: number;
  body: { error: string; code?: string };
}

/** Maps anything thrown while handling a request to a status and the V2 error body. */
export function toHttpError(e: unknown): HttpError {
  if (isModelserveError(e)) {
    return { status: STATUS[e.code] ?? 500, body: { error: e.message, code: e.code } };
  }
  // fastify's own errors (body too large, bad content length...) carry a 4xx status
  const status = (e as { statusCode?: unknown })?.statusCode;
  const message = e instanceof Error ? e.message : String(e);
  if (typeof status === "number" && status >= 400 && status < 500) {
    return { status, body: { error: message } };
  }
  return { status: 500, body: { error: `internal error: ${message}` } };
}
