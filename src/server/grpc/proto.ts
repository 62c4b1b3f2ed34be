import { fileURLToPath } from "node:url";

/**
 * The Open Inference Protocol's gRPC service is read at run time from proto/open_inference_grpc.proto
 * (shipped with the package, beside dist/ and src/) so the wire definition is the spec's, untouched.
 */

/** proto/ sits at the package root; this file is at src/server/grpc/ or dist/server/grpc/. */
export const PROTO_PATH = fileURLToPath(new URL("../../../proto/open_inference_grpc.proto", import.meta.url));

/** Our own file: the repository RPCs that Triton and MLServer add to the same service (not in the spec). */
export const REPOSITORY_PROTO_PATH = fileURLToPath(
  new URL("../../../proto/model_repository_extension.proto", import.meta.url),
);
