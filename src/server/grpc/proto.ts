import { fileURLToPath } from "node:url";
import { type GrpcObject, loadPackageDefinition, type ServiceClientConstructor } from "@grpc/grpc-js";
import { loadSync, type Options } from "@grpc/proto-loader";

/**
 * The Open Inference Protocol's gRPC service, loaded at run time from proto/open_inference_grpc.proto
 * (shipped with the package, beside dist/ and src/) so the wire definition is the spec's, untouched.
 */

/** proto/ sits at the package root; this file is at src/server/grpc/ or dist/server/grpc/. */
export const PROTO_PATH = fileURLToPath(new URL("../../../proto/open_inference_grpc.proto", import.meta.url));

/**
 * Field names as in the proto (raw_input_contents, not rawInputContents); 64-bit integers as decimal
 * strings, because int64/uint64 contents must not lose precision; repeated fields always present;
 * the set member of a oneof named in `parameter_choice`.
 */
export const PROTO_LOADER_OPTIONS: Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: false,
  arrays: true,
  oneofs: true,
};

let cached: ServiceClientConstructor | undefined;

/** The `inference.GRPCInferenceService` definition: its `.service` is what a server adds; `new` makes a client. */
export function inferenceService(): ServiceClientConstructor {
  if (cached === undefined) {
    const definition = loadSync(PROTO_PATH, PROTO_LOADER_OPTIONS);
    const inference = loadPackageDefinition(definition).inference as GrpcObject;
    cached = inference.GRPCInferenceService as ServiceClientConstructor;
  }
  return cached;
}
