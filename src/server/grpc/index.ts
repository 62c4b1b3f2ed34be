import { createServer, type ServerHttp2Session } from "node:http2";
import type { DataPlane } from "../dataplane.js";
import { type CallContext, type ErrorLogger, serveCall } from "./call.js";
import { type Method, methodsOf } from "./methods.js";
import { PROTO_PATH, REPOSITORY_PROTO_PATH } from "./proto.js";
import { repositoryHandlers } from "./repository.js";
import { inferenceHandlers } from "./service.js";

/**
 * The gRPC transport of the inference server: inference.GRPCInferenceService of the Open Inference
 * Protocol, plus the repository RPCs Triton and MLServer add to it, over the shared DataPlane, so gRPC
 * and REST answer alike. Every RPC is unary, so the transport is a lean one on node:http2 (cleartext,
 * prior knowledge) rather than a general gRPC server: most of a call's CPU went to the general one.
 */

export type { ErrorLogger } from "./call.js";

export interface GrpcServerOptions {
  /** interface to bind; "127.0.0.1" by default */
  host?: string;
  /** 0 picks a free port */
  port: number;
  /** largest request message accepted, in bytes (gRPC's own default is 4 MiB) */
  maxMessageBytes?: number;
  /** how long close() lets in-flight calls finish before cancelling them, in ms (default 10 000) */
  shutdownGraceMs?: number;
  /**
   * A connection with no frame in either direction for this long is closed with GOAWAY (its calls
   * finish first), and destroyed when still silent one period later (a call whose model takes longer
   * than that is ended), in ms (default 300 000)
   */
  idleTimeoutMs?: number;
  /** told of every call that fails with INTERNAL or UNKNOWN (a model that threw, a bug), as REST logs its 5xx */
  logger?: ErrorLogger;
}

export interface GrpcServerHandle {
  readonly host: string;
  /** the port actually bound (useful with port 0) */
  readonly port: number;
  /** Stops accepting calls, lets in-flight calls finish (up to the grace period), then resolves. */
  close(): Promise<void>;
}

/**
 * HTTP/2 settings. Concurrent streams are bounded per connection (nghttp2 refuses the excess, which
 * clients retry); the session memory cap is off, as in grpc-js, because the messages a session buffers
 * are already bounded by maxMessageBytes and the stream limit.
 */
const MAX_CONCURRENT_STREAMS = 1000;

export async function startGrpcServer(
  dataplane: DataPlane,
  options: GrpcServerOptions,
): Promise<GrpcServerHandle> {
  const host = options.host ?? "127.0.0.1";
  const graceMs = options.shutdownGraceMs ?? 10_000;
  const idleMs = options.idleTimeoutMs ?? 300_000;
  const methods = new Map<string, Method>([
    ...methodsOf(PROTO_PATH, inferenceHandlers(dataplane)),
    ...methodsOf(REPOSITORY_PROTO_PATH, repositoryHandlers(dataplane)),
  ]);
  const context: CallContext = {
    methods,
    maxMessageBytes: options.maxMessageBytes ?? 4 * 1024 * 1024,
    logger: options.logger,
  };
  const server = createServer({
    settings: { maxConcurrentStreams: MAX_CONCURRENT_STREAMS, enablePush: false },
    maxSessionMemory: Number.MAX_SAFE_INTEGER,
  });
  const sessions = new Set<ServerHttp2Session>();
  server.on("session", (session: ServerHttp2Session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
    // a connection that breaks (reset, protocol error) ends its calls; the server keeps serving
    session.on("error", () => {});
    // Idle connections are closed gracefully, and destroyed when still idle after one more period. The
    // latter ends a connection nghttp2 refused with a GOAWAY (a protocol error): Node keeps its socket,
    // and the stream that broke the rules, open until the client closes it, even after the client's FIN.
    // (setTimeout's own callback is called once only)
    session.setTimeout(idleMs);
    session.on("timeout", () => (session.closed ? session.destroy() : session.close()));
  });
  server.on("stream", (stream, headers) => serveCall(stream, headers, context));
  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, () => {
      server.off("error", reject);
      const address = server.address();
      if (address === null || typeof address === "string") reject(new Error("no TCP address"));
      else resolve(address.port);
    });
  });
  let closing: Promise<void> | undefined;
  return {
    host,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          for (const session of sessions) session.destroy();
        }, graceMs);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        // GOAWAY: calls already started finish, new ones go elsewhere (clients see UNAVAILABLE)
        for (const session of sessions) session.close();
      });
      return closing;
    },
  };
}
