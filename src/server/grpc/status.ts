import { type ErrorCode, ErrorCodes, isModelserveError } from "../../errors.js";

/** gRPC status codes (grpc/doc/statuscodes.md), the numbers sent in `grpc-status`. */
export const Status = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

export type StatusCode = (typeof Status)[keyof typeof Status];

const NAME_OF = new Map<number, string>(Object.entries(Status).map(([name, code]) => [code, name]));

/** "INTERNAL" for 13: how a code is logged. */
export function statusName(code: StatusCode): string {
  return NAME_OF.get(code) ?? String(code);
}

/** What a call ends with when it does not end OK. */
export interface StatusError {
  code: StatusCode;
  details: string;
}

/**
 * A call the transport refuses before (or instead of) running its handler: bad framing, an oversize or
 * undecodable message, an unknown method or encoding, an expired deadline.
 */
export class GrpcProtocolError extends Error implements StatusError {
  readonly code: StatusCode;
  readonly details: string;

  constructor(code: StatusCode, details: string) {
    super(details);
    this.name = "GrpcProtocolError";
    this.code = code;
    this.details = details;
  }
}

/** ModelserveError codes → gRPC status codes, mirroring the REST status each code maps to. */
const STATUS_OF: Partial<Record<ErrorCode, StatusCode>> = {
  [ErrorCodes.BAD_REQUEST]: Status.INVALID_ARGUMENT,
  [ErrorCodes.SPEC_INVALID]: Status.INVALID_ARGUMENT,
  [ErrorCodes.MODEL_NOT_FOUND]: Status.NOT_FOUND,
  [ErrorCodes.NOT_FOUND]: Status.NOT_FOUND,
  [ErrorCodes.MODEL_NOT_READY]: Status.UNAVAILABLE,
  [ErrorCodes.SERVICE_UNAVAILABLE]: Status.UNAVAILABLE,
  [ErrorCodes.INFERENCE_FAILED]: Status.INTERNAL,
  [ErrorCodes.MODEL_LOAD_FAILED]: Status.INTERNAL,
  [ErrorCodes.SOURCE_UNAVAILABLE]: Status.UNAVAILABLE,
  [ErrorCodes.MODEL_UNSUPPORTED]: Status.UNIMPLEMENTED,
  [ErrorCodes.ALREADY_EXISTS]: Status.ALREADY_EXISTS,
  [ErrorCodes.TIMEOUT]: Status.DEADLINE_EXCEEDED,
};

/** The gRPC error a call ends with for what its handler threw; anything not ours is INTERNAL. */
export function toStatus(error: unknown): StatusError {
  if (error instanceof GrpcProtocolError) return error;
  if (isModelserveError(error)) {
    return { code: STATUS_OF[error.code] ?? Status.UNKNOWN, details: error.message };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: Status.INTERNAL, details: `internal error: ${message}` };
}
