import { type Client, credentials, type ServiceError } from "@grpc/grpc-js";
import { runtime as noop } from "../../src/runtimes/noop/index.js";
import type { ModelSettings } from "../../src/runtimes/runtime.js";
import { DataPlane } from "../../src/server/dataplane.js";
import { type GrpcServerHandle, startGrpcServer } from "../../src/server/grpc/index.js";
import { type ModelLoader, ModelRegistry } from "../../src/server/model-registry.js";
import { inferenceService, repositoryService } from "./grpc-clients.js";

/** A real gRPC server (noop models, loopback, free port) and a grpc-js client made from the same proto. */

export interface GrpcFixture {
  dataplane: DataPlane;
  server: GrpcServerHandle;
  /** clients of the spec's methods and of the repository methods */
  client: Client;
  repositoryClient: Client;
  /** Calls a unary RPC (of either client); rejects with the ServiceError (code, details) the server sent. */
  call<Res = Record<string, unknown>>(method: string, request: object): Promise<Res>;
  close(): Promise<void>;
}

type UnaryMethod<Res> = (
  request: object,
  callback: (error: ServiceError | null, response: Res) => void,
) => void;

export async function startGrpcFixture(
  models: ModelSettings[],
  loader: ModelLoader = (settings) => noop.load(settings),
): Promise<GrpcFixture> {
  const registry = new ModelRegistry(loader);
  for (const settings of models) await registry.load(settings);
  const dataplane = new DataPlane({ registry });
  const server = await startGrpcServer(dataplane, { host: "127.0.0.1", port: 0 });
  const target = `127.0.0.1:${server.port}`;
  const client = new (inferenceService())(target, credentials.createInsecure());
  const repositoryClient = new (repositoryService())(target, credentials.createInsecure());
  const call = <Res>(method: string, request: object) =>
    new Promise<Res>((resolve, reject) => {
      const owner = method.startsWith("Repository") ? repositoryClient : client;
      const unaryCall = owner as unknown as Record<string, UnaryMethod<Res>>;
      unaryCall[method].call(owner, request, (error, response) =>
        error ? reject(error) : resolve(response),
      );
    });
  return {
    dataplane,
    server,
    client,
    repositoryClient,
    call,
    async close() {
      client.close();
      repositoryClient.close();
      await server.close();
      await registry.close();
    },
  };
}
