import { Server, ServerCredentials } from "@grpc/grpc-js";
import type { DataPlane } from "../dataplane.js";
import { inferenceService, repositoryService } from "./proto.js";
import { repositoryHandlers } from "./repository.js";
import { inferenceHandlers } from "./service.js";

/**
 * The gRPC transport of the inference server: inference.GRPCInferenceService of the Open Inference
 * Protocol, plus the repository RPCs Triton and MLServer add to it, over the shared DataPlane, so gRPC
 * and REST answer alike.
 */

export interface GrpcServerOptions {
  /** interface to bind; "127.0.0.1" by default */
  host?: string;
  /** 0 picks a free port */
  port: number;
  /** largest request message accepted, in bytes (gRPC's own default is 4 MiB) */
  maxMessageBytes?: number;
  /** how long close() lets in-flight calls finish before cancelling them, in ms (default 10 000) */
  shutdownGraceMs?: number;
}

export interface GrpcServerHandle {
  readonly host: string;
  /** the port actually bound (useful with port 0) */
  readonly port: number;
  /** Stops accepting calls, lets in-flight calls finish (up to the grace period), then resolves. */
  close(): Promise<void>;
}

function address(host: string, port: number): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]:${port}` : `${host}:${port}`;
}

export async function startGrpcServer(
  dataplane: DataPlane,
  options: GrpcServerOptions,
): Promise<GrpcServerHandle> {
  const host = options.host ?? "127.0.0.1";
  const maxMessageBytes = options.maxMessageBytes ?? 4 * 1024 * 1024;
  const graceMs = options.shutdownGraceMs ?? 10_000;
  const server = new Server({
    "grpc.max_receive_message_length": maxMessageBytes,
    "grpc.max_send_message_length": -1,
  });
  server.addService(inferenceService().service, inferenceHandlers(dataplane));
  server.addService(repositoryService().service, repositoryHandlers(dataplane));
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(address(host, options.port), ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });
  let closing: Promise<void> | undefined;
  return {
    host,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        const force = setTimeout(() => server.forceShutdown(), graceMs);
        force.unref();
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
      return closing;
    },
  };
}
