import protobuf from "protobufjs";

/**
 * The RPCs the transport serves: each proto method's path, its protobuf codec (protobufjs, from the
 * proto files shipped in proto/) and its handler. Messages reach handlers in the shape messages.ts
 * describes, the one @grpc/proto-loader gives grpc-js clients with the same options.
 */

/** A unary handler: a message in, a message (or its promise) out; what it throws becomes the call's status. */
// biome-ignore lint/suspicious/noExplicitAny: each handler takes its own message type, checked where it is written
export type UnaryHandler = (request: any) => unknown;

export interface Method {
  /** "ModelInfer" */
  name: string;
  decode(bytes: Uint8Array): unknown;
  encode(message: unknown): Uint8Array;
  handler: UnaryHandler;
}

const SERVICE = "inference.GRPCInferenceService";

/** How decoded messages become plain objects; proto field names are kept when the file is parsed. */
const TO_OBJECT: protobuf.IConversionOptions = {
  longs: String,
  enums: String,
  defaults: false,
  arrays: true,
  oneofs: true,
};

/**
 * A plain Uint8Array view, not the Buffer: protobufjs reads Buffers with its BufferReader, whose string
 * fields are cut short at the end of the message instead of refused.
 */
function plainView(bytes: Uint8Array): Uint8Array {
  return Buffer.isBuffer(bytes) ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length) : bytes;
}

function codec(type: protobuf.Type): Pick<Method, "decode" | "encode"> {
  return {
    decode: (bytes) => type.toObject(type.decode(plainView(bytes)), TO_OBJECT),
    // plain objects encode as they are (64-bit integers as numbers or decimal strings): no fromObject copy
    encode: (message) => type.encode(message as Record<string, unknown>).finish(),
  };
}

/**
 * Methods by HTTP/2 path ("/inference.GRPCInferenceService/ModelInfer") for one proto file's service and
 * its handlers; a handler without an RPC, or an RPC without a handler, is a bug caught at start.
 */
export function methodsOf(protoPath: string, handlers: Record<string, UnaryHandler>): Map<string, Method> {
  const root = new protobuf.Root();
  root.loadSync(protoPath, { keepCase: true });
  root.resolveAll();
  const service = root.lookupService(SERVICE);
  const out = new Map<string, Method>();
  for (const [name, method] of Object.entries(service.methods)) {
    const handler = handlers[name];
    if (handler === undefined) throw new Error(`no handler for ${SERVICE}/${name}`);
    if (method.requestStream || method.responseStream) throw new Error(`${name} is not unary`);
    out.set(`/${SERVICE}/${name}`, {
      name,
      decode: codec(method.resolvedRequestType!).decode,
      encode: codec(method.resolvedResponseType!).encode,
      handler,
    });
  }
  for (const name of Object.keys(handlers)) {
    if (service.methods[name] === undefined) throw new Error(`${SERVICE} has no RPC ${name}`);
  }
  return out;
}
