import type { handleUnaryCall } from "@grpc/grpc-js";
import { toStatus } from "./status.js";

/** A unary handler from a (possibly async) function; thrown errors become the mapped gRPC status. */
export function unary<Req, Res>(fn: (request: Req) => Res | Promise<Res>): handleUnaryCall<Req, Res> {
  return (call, callback) => {
    let result: Res | Promise<Res>;
    try {
      result = fn(call.request);
    } catch (e) {
      callback(toStatus(e));
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (value) => callback(null, value),
        (e: unknown) => callback(toStatus(e)),
      );
    } else {
      callback(null, result);
    }
  };
}
