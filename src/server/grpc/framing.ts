import { GrpcProtocolError, Status } from "./status.js";

/**
 * gRPC's length-prefixed messages (grpc/doc/PROTOCOL-HTTP2.md): a compressed flag byte, a 4-byte
 * big-endian length, then the message. A unary request carries exactly one.
 */

const PREFIX_BYTES = 5;

export interface ReceivedMessage {
  compressed: boolean;
  bytes: Buffer;
}

/**
 * Collects the one message of a unary request as its DATA frames arrive, refusing an oversize message as
 * soon as its prefix announces it, before its bytes are buffered.
 */
export class UnaryMessageReader {
  private readonly chunks: Buffer[] = [];
  private received = 0;
  /** the announced message length, once the prefix is in */
  private announced = -1;

  constructor(private readonly maxMessageBytes: number) {}

  /** Throws a GrpcProtocolError when the message is too large or bytes follow it. */
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.received += chunk.length;
    if (this.announced < 0 && this.received >= PREFIX_BYTES) {
      const head = this.chunks[0].length >= PREFIX_BYTES ? this.chunks[0] : Buffer.concat(this.chunks);
      this.announced = head.readUInt32BE(1);
      if (this.announced > this.maxMessageBytes) {
        throw new GrpcProtocolError(
          Status.RESOURCE_EXHAUSTED,
          `received message larger than max (${this.announced} vs. ${this.maxMessageBytes} bytes)`,
        );
      }
    }
    if (this.announced >= 0 && this.received > PREFIX_BYTES + this.announced) {
      throw new GrpcProtocolError(
        Status.INTERNAL,
        "bytes follow the request message; a unary call carries exactly one length-prefixed message",
      );
    }
  }

  /** The message, once the request stream has ended. */
  finish(): ReceivedMessage {
    if (this.received === 0) {
      throw new GrpcProtocolError(
        Status.INTERNAL,
        "the request ended without a message; a unary call carries exactly one length-prefixed message",
      );
    }
    if (this.announced < 0 || this.received < PREFIX_BYTES + this.announced) {
      const expected = this.announced < 0 ? "a 5-byte prefix" : `${PREFIX_BYTES + this.announced} bytes`;
      throw new GrpcProtocolError(
        Status.INTERNAL,
        `the request ended in the middle of its message: ${this.received} bytes received, expected ${expected}`,
      );
    }
    const whole = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.received);
    const flag = whole[0];
    if (flag > 1) {
      throw new GrpcProtocolError(
        Status.INTERNAL,
        `the message's compressed flag is ${flag}, expected 0 (plain) or 1 (compressed)`,
      );
    }
    return { compressed: flag === 1, bytes: whole.subarray(PREFIX_BYTES) };
  }
}

/** One uncompressed length-prefixed message, in one buffer so it leaves in one DATA frame when it fits. */
export function framed(message: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(PREFIX_BYTES + message.length);
  out[0] = 0;
  out.writeUInt32BE(message.length, 1);
  out.set(message, PREFIX_BYTES);
  return out;
}
