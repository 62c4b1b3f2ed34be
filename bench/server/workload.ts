import protobuf from "protobufjs";
import { PROTO_PATH } from "../../src/server/grpc/proto.js";

/**
 * The one request every target serves: a single-row V2 inference request (an iris-sized FP32 row) to a
 * model named "bench" that echoes its input, as JSON over REST and with typed contents over gRPC.
 */

export const MODEL = "bench";

export const ROW = [5.1, 3.5, 1.4, 0.2];

export const REST_PATH = `/v2/models/${MODEL}/infer`;

export const REST_BODY = JSON.stringify({
  inputs: [{ name: "x", datatype: "FP32", shape: [1, ROW.length], data: ROW }],
});

/** What our server answers to REST_BODY (the id is a UUID, as ours and MLServer generate one). */
export const REST_ANSWER = JSON.stringify({
  model_name: MODEL,
  id: "00000000-0000-4000-8000-000000000000",
  outputs: [{ name: "x", datatype: "FP32", shape: [1, ROW.length], data: ROW }],
});

export const GRPC_REQUEST = {
  model_name: MODEL,
  inputs: [{ name: "x", datatype: "FP32", shape: [1, ROW.length], contents: { fp32_contents: ROW } }],
};

/**
 * GRPC_REQUEST as it travels in an HTTP/2 DATA frame: the gRPC length prefix (uncompressed flag, 4-byte
 * big-endian length) and the protobuf of ModelInferRequest, encoded by protobufjs from the served proto. A
 * load generator that knows HTTP/2 but not gRPC (h2load) posts these bytes as they are.
 */
export const GRPC_FRAMED_REQUEST: Buffer = frameGrpcMessage(modelInferRequestBytes());

function modelInferRequestBytes(): Uint8Array {
  const root = new protobuf.Root();
  root.loadSync(PROTO_PATH, { keepCase: true });
  const type = root.lookupType("inference.ModelInferRequest");
  return type.encode(type.fromObject(GRPC_REQUEST)).finish();
}

function frameGrpcMessage(message: Uint8Array): Buffer {
  const framed = Buffer.alloc(5 + message.length);
  framed.writeUInt8(0, 0);
  framed.writeUInt32BE(message.length, 1);
  framed.set(message, 5);
  return framed;
}
