import { type StatusObject, status } from "@grpc/grpc-js";
import { type ErrorCode, ErrorCodes, isModelserveError } from "../../errors.js";

/** ModelserveError codes → gRPC status codes, mirroring the REST status each code maps to. */
const STATUS_OF: Partial<Record<ErrorCode, status>> = {
  [ErrorCodes.BAD_REQUEST]: status.INVALID_ARGUMENT,
  [ErrorCodes.MODEL_NOT_FOUND]: status.NOT_FOUND,
  [ErrorCodes.NOT_FOUND]: status.NOT_FOUND,
  [ErrorCodes.MODEL_NOT_READY]: status.UNAVAILABLE,
  [ErrorCodes.SERVICE_UNAVAILABLE]: status.UNAVAILABLE,
  [ErrorCodes.INFERENCE_FAILED]: status.INTERNAL,
  [ErrorCodes.MODEL_LOAD_FAILED]: status.INTERNAL,
  [ErrorCodes.SOURCE_UNAVAILABLE]: status.UNAVAILABLE,
  [ErrorCodes.MODEL_UNSUPPORTED]: status.UNIMPLEMENTED,
  [ErrorCodes.ALREADY_EXISTS]: status.ALREADY_EXISTS,
  [ErrorCodes.TIMEOUT]: status.DEADLINE_EXCEEDED,
};

/** The gRPC error a handler reports for what it caught; anything not ours is INTERNAL. */
export function toStatus(error: unknown): Pick<StatusObject, "code" | "details"> {
  if (isModelserveError(error)) {
    return { code: STATUS_OF[error.code] ?? status.UNKNOWN, details: error.message };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: status.INTERNAL, details: `internal error: ${message}` };
}
