import type { FastifyInstance } from "fastify";
import pino, { type Logger } from "pino";
import { RuntimeRegistry } from "../runtimes/registry.js";
import type { ModelSettings } from "../runtimes/runtime.js";
import { DataPlane } from "./dataplane.js";
import { type GrpcServerHandle, startGrpcServer } from "./grpc/index.js";
import { ServerMetrics } from "./metrics.js";
import { ModelRegistry } from "./model-registry.js";
import { FolderModelRepository, type RepositoryModel } from "./model-settings.js";
import { buildRestApp } from "./rest/app.js";
import { servedModelLoader } from "./served-model.js";
import { parseServerSettings, type ServerSettings } from "./settings.js";

/**
 * Starts an inference server: the models of a repository folder (and/or given settings) behind REST and
 * gRPC. Models load concurrently; one that fails stays listed as UNAVAILABLE with its error and the
 * server serves the others.
 */

export interface StartOptions {
  /** folder tree of model-settings.json files (`modelserve start <folder>`) */
  modelsDir?: string;
  /** models given directly (embedding, tests, MLSERVER_MODEL_* variables) */
  models?: ModelSettings[];
  /** runtimes beyond the built-in ones */
  runtimes?: RuntimeRegistry;
  logger?: Logger;
}

export interface ServerHandle {
  readonly settings: ServerSettings;
  readonly dataplane: DataPlane;
  readonly metrics: ServerMetrics;
  /** bound REST address, e.g. http://127.0.0.1:8080 */
  readonly httpUrl: string;
  readonly http: { host: string; port: number };
  readonly grpc: { host: string; port: number } | undefined;
  /** Stops accepting, lets in-flight requests finish, unloads the models. */
  close(): Promise<void>;
}

function hostForUrl(host: string): string {
  if (host === "0.0.0.0") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}

/** Settings given in code may carry MLServer's `parameters.uri` instead of `uri`. */
function normalised(settings: ModelSettings): ModelSettings {
  const uri = settings.parameters?.uri;
  return settings.uri === undefined && typeof uri === "string" ? { ...settings, uri } : settings;
}

async function repositoryModels(options: StartOptions, repository: FolderModelRepository | undefined) {
  const models: RepositoryModel[] = repository === undefined ? [] : await repository.list();
  if (repository === undefined) {
    for (const settings of options.models ?? [])
      models.push({ name: settings.name, settings: normalised(settings) });
  }
  return models;
}

export async function startServer(
  input: Partial<ServerSettings> | ServerSettings,
  options: StartOptions = {},
): Promise<ServerHandle> {
  const settings = parseServerSettings(input);
  // asynchronous destination: a log line never blocks a request
  const logger =
    options.logger ??
    pino({ level: settings.log_level, name: settings.server_name }, pino.destination({ sync: false }));
  const metrics = new ServerMetrics();
  const runtimes = options.runtimes ?? new RuntimeRegistry();
  const registry = new ModelRegistry(
    servedModelLoader(runtimes, { parallelWorkers: settings.parallel_workers }, metrics),
    {
      loaded: (entry) => logger.info({ model: entry.name, version: entry.version }, "model loaded"),
      failed: (entry, error) =>
        logger.error(
          { model: entry.name, version: entry.version, err: error },
          `model failed to load: ${entry.reason}`,
        ),
    },
  );
  const repository =
    options.modelsDir === undefined
      ? undefined
      : new FolderModelRepository(options.modelsDir, options.models);
  const dataplane = new DataPlane({
    registry,
    repository,
    observer: metrics,
    inferTimeoutMs: settings.request_timeout_seconds * 1000,
    strictReadiness: settings.strict_readiness,
    serverName: settings.server_name,
  });

  const app: FastifyInstance = await buildRestApp({
    dataplane,
    metrics,
    logger,
    maxRequestBodyBytes: settings.max_request_body_bytes,
    requestTimeoutMs: settings.request_timeout_seconds * 1000,
    docs: settings.docs_enabled,
  });

  if (settings.load_models_at_startup) {
    const models = await repositoryModels(options, repository);
    await Promise.all(
      models.map((m) =>
        m.settings === undefined
          ? registry.markFailed(m.name, m.version, m.error)
          : registry.load(m.settings),
      ),
    );
  }

  let grpc: GrpcServerHandle | undefined;
  try {
    await app.listen({ host: settings.host, port: settings.http_port });
    if (settings.grpc_enabled) {
      grpc = await startGrpcServer(dataplane, {
        host: settings.host,
        port: settings.grpc_port,
        maxMessageBytes: settings.max_request_body_bytes,
        shutdownGraceMs: settings.shutdown_timeout_seconds * 1000,
        logger,
      });
    }
  } catch (e) {
    await app.close();
    await registry.close();
    throw e;
  }
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : settings.http_port;
  const httpUrl = `http://${hostForUrl(settings.host)}:${port}`;
  logger.info({ http: httpUrl, grpc: grpc && `${grpc.host}:${grpc.port}` }, "modelserve listening");

  let closing: Promise<void> | undefined;
  return {
    settings,
    dataplane,
    metrics,
    httpUrl,
    http: { host: settings.host, port },
    grpc: grpc && { host: grpc.host, port: grpc.port },
    close() {
      closing ??= (async () => {
        await Promise.all([app.close(), grpc?.close()]);
        await registry.close();
        logger.info("modelserve stopped");
        logger.flush();
      })();
      return closing;
    },
  };
}

export type { ServerSettings } from "./settings.js";
export { loadServerSettings } from "./settings.js";
