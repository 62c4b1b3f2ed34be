import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ErrorCodes, ModelserveError } from "../../errors.js";
import { resolveModelPath } from "../../sdk/api.js";
import type { FunctionKind, RunEntity, ServiceInfo } from "../../sdk/types.js";
import { fetchModel } from "../../sources/index.js";
import type { Executor, ExecutorContext, LogEntry, StatusUpdate } from "../executor.js";
import { nodeArgsFor, sibling, spawnDetached } from "./launcher.js";
import { type Liveness, liveness } from "./process-identity.js";
import {
  type ExitFile,
  type LaunchFile,
  type ProcessesFile,
  type ReadyFile,
  type RunFolder,
  runFolder,
} from "./run-folder.js";

/** The runtime (`implementation` of the model settings) that serves each kind locally. */
const IMPLEMENTATION: Partial<Record<FunctionKind, string>> = {
  sklearnserve: "sklearn",
  mlflowserve: "mlflow",
  huggingfaceserve: "huggingface",
};

const LOG_TAIL_LINES = 20;

export class LocalExecutionError extends ModelserveError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCodes.EXECUTION_FAILED, message, options);
  }
}

export interface LocalExecutorOptions {
  /** bind address of local servers (default 127.0.0.1: a local run is for this machine) */
  host?: string;
  /** fixed ports; 0 (default) lets the system pick free ones */
  httpPort?: number;
  grpcPort?: number;
  /** how long a graceful stop may take before the server is killed */
  stopTimeoutMs?: number;
  /** resolves `store://` model keys to the registered model's path */
  resolveStoreKey?: (key: string) => Promise<string>;
}

/**
 * Runs a model server as a detached local process per run, like a Deployment: it outlives the script that
 * started it, its files live in `$MODELSERVE_HOME/runs/<id>/`, and any later process can check or stop it.
 * States: start → PENDING (process launched); refresh → RUNNING once the server answers ready, or ERROR
 * with the exit status and the last lines of its log; stop → STOPPED after in-flight requests finished.
 */
export class LocalExecutor implements Executor {
  constructor(private readonly options: LocalExecutorOptions = {}) {}

  async start(run: RunEntity, ctx: ExecutorContext): Promise<StatusUpdate> {
    await this.launch(run, ctx.home, { reuseModel: false });
    return { state: "PENDING", message: "local server starting", service: null };
  }

  async resume(run: RunEntity, ctx: ExecutorContext): Promise<StatusUpdate> {
    // The same model as before, even if the caller's working folder (relative paths) changed.
    await this.launch(run, ctx.home, { reuseModel: true });
    return { message: "local server restarting" };
  }

  async refresh(run: RunEntity, ctx: ExecutorContext): Promise<StatusUpdate | undefined> {
    const folder = runFolder(ctx.home, run.id);
    const state = run.status.state;
    if (state === "READY" || state === "PENDING" || state === "RESUME")
      return this.checkStarting(run, folder);
    if (state === "RUNNING") return this.checkRunning(folder);
    return undefined;
  }

  async stop(run: RunEntity, ctx: ExecutorContext): Promise<StatusUpdate> {
    await this.terminate(runFolder(ctx.home, run.id));
    return {
      state: "STOPPED",
      message: "local server stopped",
      service: null,
      extra: { inference_v2: null },
    };
  }

  async delete(run: RunEntity, ctx: ExecutorContext): Promise<void> {
    const folder = runFolder(ctx.home, run.id);
    await this.terminate(folder);
    await rm(folder.dir, { recursive: true, force: true });
  }

  async logs(run: RunEntity, ctx: ExecutorContext): Promise<LogEntry[]> {
    const text = await readOptional(runFolder(ctx.home, run.id).log);
    return (text ?? "")
      .split("\n")
      .filter((line) => line !== "")
      .map((content) => ({ source: "server", content }));
  }

  /** Fetches the model, writes the model repository and launches supervisor + server. */
  private async launch(run: RunEntity, home: string, options: { reuseModel: boolean }): Promise<void> {
    const implementation = IMPLEMENTATION[run.kind.split("+")[0] as FunctionKind];
    if (!implementation) {
      throw new LocalExecutionError(
        `${run.kind.split("+")[0]} cannot run locally (it needs an LLM engine): run it on Kubernetes`,
      );
    }
    if (!run.spec.path) throw new LocalExecutionError("the run has no model path (spec.path)");
    const folder = runFolder(home, run.id);
    // A resumed run starts clean but keeps appending to the same log.
    await Promise.all([folder.ready, folder.exit, folder.processes].map((f) => rm(f, { force: true })));
    await mkdir(folder.models, { recursive: true });
    const settingsFile = join(folder.models, "model-settings.json");
    if (!(options.reuseModel && existsSync(settingsFile))) {
      const resolveStoreKey =
        this.options.resolveStoreKey ?? ((key: string) => resolveModelPath(key, { home }));
      const uri = await fetchModel(run.spec.path, { home, resolveStoreKey });
      const name = run.spec.model_name ?? "model";
      await writeFile(settingsFile, JSON.stringify({ name, implementation, parameters: { uri } }, null, 2));
    }
    const launch: LaunchFile = {
      argv: [...nodeArgsFor(sibling("server-entry")), home, run.id],
      host: this.options.host ?? "127.0.0.1",
      http_port: this.options.httpPort ?? envPort("MODELSERVE_LOCAL_HTTP_PORT"),
      grpc_port: this.options.grpcPort ?? envPort("MODELSERVE_LOCAL_GRPC_PORT"),
    };
    await writeFile(folder.launch, JSON.stringify(launch));
    spawnDetached(sibling("supervisor"), [home, run.id], folder.log);
  }

  private async checkStarting(run: RunEntity, folder: RunFolder): Promise<StatusUpdate | undefined> {
    const exited = await this.exitUpdate(folder);
    if (exited) return exited;
    const ready = await readJson<ReadyFile>(folder.ready);
    if (!ready) {
      const processes = await readJson<ProcessesFile>(folder.processes);
      if (processes && liveness(processes.supervisor) !== "alive") {
        return { state: "ERROR", message: `the local server's supervisor died before the server was ready` };
      }
      return undefined;
    }
    const base = `http://${ready.host}:${ready.http_port}`;
    try {
      if (!(await fetch(`${base}/v2/health/ready`)).ok) return undefined;
    } catch {
      return undefined;
    }
    const model = run.spec.model_name ?? "model";
    return {
      state: "RUNNING",
      message: `serving ${model} at ${base}`,
      service: serviceInfo(ready),
      extra: { inference_v2: inferenceV2(base, model) },
    };
  }

  private async checkRunning(folder: RunFolder): Promise<StatusUpdate | undefined> {
    const processes = await readJson<ProcessesFile>(folder.processes);
    const alive: Liveness = processes ? liveness(processes.server) : "gone";
    if (alive === "alive") return undefined;
    if (alive === "rebooted") {
      return {
        state: "ERROR",
        message: "the machine restarted since the server started: it is no longer running",
      };
    }
    return (
      (await this.exitUpdate(folder)) ?? {
        state: "ERROR",
        message: `the local server is gone without an exit status (its supervisor was killed)${await logTail(folder)}`,
      }
    );
  }

  private async exitUpdate(folder: RunFolder): Promise<StatusUpdate | undefined> {
    const exit = await readJson<ExitFile>(folder.exit);
    if (!exit) return undefined;
    const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
    return { state: "ERROR", message: `the local server ${how}${await logTail(folder)}`, service: null };
  }

  /** SIGTERM (graceful: the server finishes in-flight requests), then SIGKILL after the timeout. */
  private async terminate(folder: RunFolder): Promise<void> {
    const processes = await readJson<ProcessesFile>(folder.processes);
    if (!processes) return;
    const targets = [processes.server, processes.supervisor].filter((p) => liveness(p) === "alive");
    if (targets.length === 0) return;
    process.kill(targets[0].pid, "SIGTERM");
    const deadline = Date.now() + (this.options.stopTimeoutMs ?? 30_000);
    while (targets.some((p) => liveness(p) === "alive")) {
      if (Date.now() > deadline) {
        for (const p of targets) if (liveness(p) === "alive") process.kill(p.pid, "SIGKILL");
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

export function createExecutor(): Executor {
  return new LocalExecutor();
}

function serviceInfo(ready: ReadyFile): ServiceInfo {
  const http = `${ready.host}:${ready.http_port}`;
  const grpc = `${ready.host}:${ready.grpc_port}`;
  return {
    url: http,
    urls: [http, grpc],
    type: "local",
    ports: [
      { name: "http", port: ready.http_port, targetPort: ready.http_port, protocol: "TCP" },
      { name: "grpc", port: ready.grpc_port, targetPort: ready.grpc_port, protocol: "TCP" },
    ],
  };
}

function inferenceV2(base: string, model: string) {
  const m = `${base}/v2/models/${encodeURIComponent(model)}`;
  return {
    baseUrl: `${base}/v2`,
    model,
    inferenceUrl: `${m}/infer`,
    modelMetadataUrl: m,
    modelReadinessUrl: `${m}/ready`,
    readinessUrl: `${base}/v2/health/ready`,
    livenessUrl: `${base}/v2/health/live`,
  };
}

function envPort(name: string): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return 0;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new LocalExecutionError(`${name}=${raw} is not a port number (0-65535)`);
  }
  return port;
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch {
    return undefined;
  }
}

async function readJson<T>(path: string): Promise<T | undefined> {
  const text = await readOptional(path);
  try {
    return text ? (JSON.parse(text) as T) : undefined;
  } catch {
    return undefined; // being written right now: read it on the next check
  }
}

async function logTail(folder: RunFolder): Promise<string> {
  const text = (await readOptional(folder.log))?.trimEnd();
  if (!text) return "";
  return `; last lines of its log (${folder.log}):\n${text.split("\n").slice(-LOG_TAIL_LINES).join("\n")}`;
}
