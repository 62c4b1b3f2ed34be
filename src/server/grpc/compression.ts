import { gunzipSync, inflateSync } from "node:zlib";
import { GrpcProtocolError, Status } from "./status.js";

/**
 * Message compression (grpc/doc/compression.md). Requests may come gzip- or deflate-compressed; answers go
 * uncompressed, which every client accepts whatever it announced.
 */

export type Encoding = "identity" | "gzip" | "deflate";

/** Sent as grpc-accept-encoding, so a client knows what it may compress with. */
export const ACCEPTED_ENCODINGS = "identity,deflate,gzip";

/** The request's grpc-encoding; an unknown one is UNIMPLEMENTED, as the gRPC spec says. */
export function requestEncoding(header: string | string[] | undefined): Encoding {
  if (header === undefined || header === "identity" || header === "gzip" || header === "deflate") {
    return header ?? "identity";
  }
  throw new GrpcProtocolError(
    Status.UNIMPLEMENTED,
    `grpc-encoding '${String(header)}' is not supported; expected one of ${ACCEPTED_ENCODINGS}`,
  );
}

/** A compressed message's bytes, never inflated past the largest message the server accepts. */
export function decompress(bytes: Buffer, encoding: Encoding, maxMessageBytes: number): Buffer {
  if (encoding === "identity") {
    throw new GrpcProtocolError(
      Status.INTERNAL,
      "the message is flagged compressed but the request has no grpc-encoding; send gzip or deflate with it",
    );
  }
  const options = { maxOutputLength: maxMessageBytes };
  try {
    return encoding === "gzip" ? gunzipSync(bytes, options) : inflateSync(bytes, options);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") {
      throw new GrpcProtocolError(
        Status.RESOURCE_EXHAUSTED,
        `the ${encoding} message inflates past the largest accepted (${maxMessageBytes} bytes)`,
      );
    }
    throw new GrpcProtocolError(
      Status.INTERNAL,
      `the message is not valid ${encoding} data: ${(e as Error).message}`,
    );
  }
}
