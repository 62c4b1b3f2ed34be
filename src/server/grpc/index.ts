import {
  type handleUnaryCall,
  Server,
  ServerCredentials,
  status,
  type UntypedServiceImplementation,
} from "@grpc/grpc-js";
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
  /** told of every call that fails with INTERNAL or UNKNOWN (a model that threw, a bug), as REST logs its 5xx */
  logger?: ErrorLogger;
}

/** The part of a pino logger the transport uses. */
export interface ErrorLogger {
  error(details: object, message: string): void;
}

export interface GrpcServerHandle {
  readonly host: string;
  /** the port actually bound (useful with port 0) */
  readonly port: number;
  /** Stops accepting calls, lets in-flight calls finish (up to the grace period), then resolves. */
  close(): Promise<void>;
}

/** The same handlers, reporting server-side failures to the logger on their way to the client. */
function loggingFailures(
  handlers: UntypedServiceImplementation,
  logger: ErrorLogger,
): UntypedServiceImplementation {
  const out: UntypedServiceImplementation = {};
  for (const [method, handler] of Object.entries(handlers)) {
    const unaryHandler = handler as handleUnaryCall<unknown, unknown>;
    out[method] = ((call, callback) =>
      unaryHandler(call, (error, value) => {
        if (error && (error.code === status.INTERNAL || error.code === status.UNKNOWN)) {
          logger.error({ transport: "grpc", method, code: status[error.code!] }, error.details ?? "failed");
        }
        callback(error, value);
      })) satisfies handleUnaryCall<unknown, unknown>;
  }
  return out;
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
    // channelz (call counters and timestamps for a debugging service we do not serve) costs every call
    "grpc.enable_channelz": 0,
  });
  const logged = (handlers: UntypedServiceImplementation) =>
    options.logger === undefined ? handlers : loggingFailures(handlers, options.logger);
  server.addService(inferenceService().service, logged(inferenceHandlers(dataplane)));
  server.addService(repositoryService().service, logged(repositoryHandlers(dataplane)));
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
