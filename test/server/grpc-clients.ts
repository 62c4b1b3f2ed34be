import { type GrpcObject, loadPackageDefinition, type ServiceClientConstructor } from "@grpc/grpc-js";
import { loadSync, type Options } from "@grpc/proto-loader";
import { PROTO_PATH, REPOSITORY_PROTO_PATH } from "../../src/server/grpc/proto.js";

/**
 * grpc-js clients of our gRPC server (tests and the gRPC benchmark), made from the proto files the server
 * serves, so a client and the server can only disagree about the wire if one of them is wrong.
 */

/**
 * Field names as in the proto (raw_input_contents, not rawInputContents); 64-bit integers as decimal
 * strings, because int64/uint64 contents must not lose precision; repeated fields always present;
 * the set member of a oneof named in `parameter_choice`. The server decodes with the same options.
 */
const PROTO_LOADER_OPTIONS: Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: false,
  arrays: true,
  oneofs: true,
};

const cache = new Map<string, ServiceClientConstructor>();

/** `inference.GRPCInferenceService` as one proto file defines it (the two files each declare it). */
function serviceIn(path: string): ServiceClientConstructor {
  let service = cache.get(path);
  if (service === undefined) {
    const inference = loadPackageDefinition(loadSync(path, PROTO_LOADER_OPTIONS)).inference as GrpcObject;
    service = inference.GRPCInferenceService as ServiceClientConstructor;
    cache.set(path, service);
  }
  return service;
}

/** A client of the spec's methods: health, metadata, ModelInfer. */
export function inferenceService(): ServiceClientConstructor {
  return serviceIn(PROTO_PATH);
}

/** A client of the repository methods: RepositoryIndex, RepositoryModelLoad, RepositoryModelUnload. */
export function repositoryService(): ServiceClientConstructor {
  return serviceIn(REPOSITORY_PROTO_PATH);
}
