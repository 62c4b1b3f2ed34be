import { credentials, type ServiceError } from "@grpc/grpc-js";
import { inferenceService } from "../../test/server/grpc-clients.js";
import { GRPC_FRAMED_REQUEST, MODEL, ROW } from "./workload.js";

/**
 * One ModelInfer call with a real gRPC client (grpc-js), carrying exactly the protobuf bytes a load
 * generator posts (GRPC_FRAMED_REQUEST without its 5-byte prefix, which grpc-js writes again). h2load sees
 * only HTTP statuses, and a gRPC error is an HTTP 200 whose grpc-status sits in the trailers, so this call is
 * what shows the server really answered those bytes: it fails unless grpc-status is 0 and the answer echoes
 * the row.
 */

interface InferOutput {
  name: string;
  datatype: string;
  shape: string[];
  contents?: { fp32_contents?: number[] };
}

interface InferResponse {
  model_name: string;
  outputs: InferOutput[];
  raw_output_contents: Buffer[];
}

/** The FP32 values of the first output, typed or raw (a server may answer either way). */
function firstOutputValues(response: InferResponse): number[] | undefined {
  const typed = response.outputs[0]?.contents?.fp32_contents;
  if (typed !== undefined && typed.length > 0) return typed;
  const raw = response.raw_output_contents[0];
  if (raw === undefined) return undefined;
  return Array.from({ length: raw.length / 4 }, (_, i) => raw.readFloatLE(4 * i));
}

function echoesTheRow(response: InferResponse): boolean {
  const output = response.outputs[0];
  const values = firstOutputValues(response);
  return (
    response.model_name === MODEL &&
    response.outputs.length === 1 &&
    output.name === "x" &&
    output.datatype === "FP32" &&
    output.shape.join(",") === `1,${ROW.length}` &&
    values?.length === ROW.length &&
    // FP32 on the wire: the row's float64 values come back rounded to float32
    values.every((v, i) => Math.abs(v - ROW[i]) < 1e-6)
  );
}

export async function checkGrpcAnswer(port: number, who: string): Promise<void> {
  const Service = inferenceService();
  const method = Service.service.ModelInfer;
  const client = new Service(`127.0.0.1:${port}`, credentials.createInsecure());
  try {
    const response = await new Promise<InferResponse>((resolve, reject) => {
      client.makeUnaryRequest(
        method.path,
        (bytes: Buffer) => bytes,
        (bytes: Buffer) => method.responseDeserialize(bytes) as InferResponse,
        GRPC_FRAMED_REQUEST.subarray(5),
        (error: ServiceError | null, answer?: InferResponse) =>
          error ? reject(error) : resolve(answer as InferResponse),
      );
    });
    if (!echoesTheRow(response)) {
      throw new Error(
        `${who} answered ModelInfer with ${JSON.stringify(response)} instead of echoing the row`,
      );
    }
  } catch (e) {
    const error = e as Partial<ServiceError>;
    if (error.code === undefined) throw e;
    throw new Error(`${who} answered ModelInfer with grpc-status ${error.code} (${error.details}), not 0`);
  } finally {
    client.close();
  }
}
