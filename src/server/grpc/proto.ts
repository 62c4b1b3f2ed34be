import { fileURLToPath } from "node:url";
import { type GrpcObject, loadPackageDefinition, type ServiceClientConstructor } from "@grpc/grpc-js";
import { loadSync, type Options } from "@grpc/proto-loader";

/**
 * The Open Inference Protocol's gRPC service, loaded at run time from proto/open_inference_grpc.proto
 * (shipped with the package, beside dist/ and src/) so the wire definition is the spec's, untouched.
 */

/** proto/ sits at the package root; this file is at src/server/grpc/ or dist/server/grpc/. */
export const PROTO_PATH = fileURLToPath(new URL("../../../proto/open_inference_grpc.proto", import.meta.url));

/** Our own file: the repository RPCs that Triton and MLServer add to the same service (not in the spec). */
export const REPOSITORY_PROTO_PATH = fileURLToPath(
  new URL("../../../proto/model_repository_extension.proto", import.meta.url),
);

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

const cache = new Map<string, ServiceClientConstructor>();

/**
 * `inference.GRPCInferenceService` as one proto file defines it. The two files are loaded apart, as each
 * declares the service; a server adds both `.service` definitions, a client is made with `new`.
 */
function serviceIn(path: string): ServiceClientConstructor {
  let service = cache.get(path);
  if (service === undefined) {
    const inference = loadPackageDefinition(loadSync(path, PROTO_LOADER_OPTIONS)).inference as GrpcObject;
    service = inference.GRPCInferenceService as ServiceClientConstructor;
    cache.set(path, service);
  }
  return service;
}

/** The spec's methods: health, metadata, ModelInfer. */
export function inferenceService(): ServiceClientConstructor {
  return serviceIn(PROTO_PATH);
}

/** The repository methods: RepositoryIndex, RepositoryModelLoad, RepositoryModelUnload. */
export function repositoryService(): ServiceClientConstructor {
  return serviceIn(REPOSITORY_PROTO_PATH);
}
