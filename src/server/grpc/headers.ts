import { GrpcProtocolError, Status } from "./status.js";

/** The gRPC request and response headers the transport reads and writes (grpc/doc/PROTOCOL-HTTP2.md). */

const TIMEOUT = /^(\d{1,8})([HMSmun])$/;

const MS_PER_UNIT: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 1e-3, n: 1e-6 };

/** grpc-timeout ("100m", "5S", at most 8 digits and a unit) in milliseconds; undefined when absent. */
export function timeoutMs(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = typeof header === "string" ? TIMEOUT.exec(header) : null;
  if (match === null) {
    throw new GrpcProtocolError(
      Status.INTERNAL,
      `grpc-timeout '${String(header)}' is malformed; expected up to 8 digits and a unit (H, M, S, m, u or n)`,
    );
  }
  return Number(match[1]) * MS_PER_UNIT[match[2]];
}

/** Only "application/grpc" with no subtype, "+proto" or parameters: we speak protobuf only. */
const GRPC_CONTENT_TYPE = /^application\/grpc(\+proto)?(;.*)?$/i;

export function isGrpcContentType(header: string | undefined): boolean {
  return header !== undefined && GRPC_CONTENT_TYPE.test(header);
}

const PLAIN_MESSAGE = /^[\x20-\x24\x26-\x7e]*$/;

/**
 * grpc-message: percent-encoded UTF-8, every byte outside printable ASCII and '%' itself as %XX, so a
 * message with any text (an input name, a model's error) reaches the client intact.
 */
export function encodeGrpcMessage(message: string): string {
  if (PLAIN_MESSAGE.test(message)) return message;
  let out = "";
  for (const byte of Buffer.from(message, "utf8")) {
    out +=
      byte >= 0x20 && byte <= 0x7e && byte !== 0x25
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}
