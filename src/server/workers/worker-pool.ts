import type { Worker } from "node:worker_threads";
import { type ErrorCode, ErrorCodes, ModelserveError } from "../../errors.js";
import { startModuleWorker } from "../../module-worker.js";
import type { LoadedModel, ModelMetadata, ModelSettings } from "../../runtimes/runtime.js";
import { InferenceFailedError, ModelLoadError } from "../errors.js";
import type { ModelHistogram } from "../metrics.js";
import type { InferenceRequest, InferenceResponse } from "../protocol/tensor.js";
import type { FromWorker, SerializedError, ToWorker, WorkerData } from "./messages.js";

/**
 * parallel_workers: N worker threads, each with its own instance of the model, so CPU-bound models use
 * several cores while the event loop keeps serving. A request goes to the worker with the fewest in
 * flight. A worker that dies fails its in-flight requests (500) and is replaced.
 */

function spawnWorker(data: WorkerData): Worker {
  return startModuleWorker(import.meta.url, "worker-entry", { workerData: data });
}

interface Call {
  resolve: (response: InferenceResponse) => void;
  reject: (error: unknown) => void;
}

function revive(model: string, error: SerializedError): Error {
  return error.code === undefined
    ? new InferenceFailedError(model, error.message)
    : new ModelserveError(error.code as ErrorCode, error.message);
}

class ModelWorker {
  readonly calls = new Map<number, Call>();
  private unloaded: (() => void) | undefined;

  private constructor(
    readonly worker: Worker,
    readonly metadata: ModelMetadata,
    private readonly name: string,
    onExit: (w: ModelWorker) => void,
  ) {
    worker.on("message", (message: FromWorker) => this.receive(message));
    worker.on("exit", () => {
      for (const call of this.calls.values()) {
        call.reject(new InferenceFailedError(name, "its worker thread exited during the inference"));
      }
      this.calls.clear();
      this.unloaded?.();
      onExit(this);
    });
    // errors also end the thread; 'exit' does the bookkeeping
    worker.on("error", () => undefined);
  }

  static start(settings: ModelSettings, whenExited: (w: ModelWorker) => void): Promise<ModelWorker> {
    const data: WorkerData = { settings };
    const worker = spawnWorker(data);
    return new Promise((resolve, reject) => {
      const fail = (message: string) => {
        void worker.terminate();
        reject(new ModelLoadError(`model '${settings.name}' failed to load in a worker thread: ${message}`));
      };
      const onError = (e: Error) => fail(e.message);
      const onExit = (code: number) => fail(`the thread exited with code ${code}`);
      worker.once("error", onError);
      worker.once("exit", onExit);
      // only our own listeners: Worker keeps internal ones that deliver messages
      worker.once("message", (message: FromWorker) => {
        worker.off("error", onError);
        worker.off("exit", onExit);
        if (message.type === "ready")
          resolve(new ModelWorker(worker, message.metadata, settings.name, whenExited));
        else fail(message.type === "load-failed" ? message.error.message : `unexpected ${message.type}`);
      });
    });
  }

  private receive(message: FromWorker): void {
    if (message.type === "unloaded") {
      this.unloaded?.();
      return;
    }
    if (message.type !== "result" && message.type !== "failed") return;
    const call = this.calls.get(message.id);
    if (call === undefined) return;
    this.calls.delete(message.id);
    if (message.type === "result") call.resolve(message.response);
    else call.reject(revive(this.name, message.error));
  }

  send(id: number, request: InferenceRequest): Promise<InferenceResponse> {
    return new Promise((resolve, reject) => {
      this.calls.set(id, { resolve, reject });
      const message: ToWorker = { type: "infer", id, request };
      this.worker.postMessage(message);
    });
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.unloaded = resolve;
      const message: ToWorker = { type: "unload" };
      this.worker.postMessage(message);
      setTimeout(resolve, 5000).unref();
    });
    await this.worker.terminate();
  }
}

export class WorkerPoolModel implements LoadedModel {
  private workers: ModelWorker[] = [];
  private loadedMetadata!: ModelMetadata;
  private nextId = 0;
  private closing = false;
  private readonly labels: { model: string; version: string };

  private constructor(
    readonly settings: ModelSettings,
    private readonly queueSizes: ModelHistogram | undefined,
  ) {
    this.labels = { model: settings.name, version: settings.version ?? "" };
  }

  static async start(
    settings: ModelSettings,
    count: number,
    queueSizes?: ModelHistogram,
  ): Promise<WorkerPoolModel> {
    const pool = new WorkerPoolModel(settings, queueSizes);
    const started = await Promise.allSettled(
      Array.from({ length: count }, () => ModelWorker.start(settings, (w) => pool.replace(w))),
    );
    pool.workers = started.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    const failure = started.find((r) => r.status === "rejected");
    if (failure !== undefined) {
      await pool.unload();
      throw failure.reason;
    }
    pool.loadedMetadata = pool.workers[0].metadata;
    return pool;
  }

  private replace(dead: ModelWorker): void {
    this.workers = this.workers.filter((w) => w !== dead);
    if (this.closing) return;
    void ModelWorker.start(this.settings, (w) => this.replace(w)).then(
      (fresh) => {
        if (this.closing) void fresh.stop();
        else this.workers.push(fresh);
      },
      () => undefined,
    );
  }

  metadata(): ModelMetadata {
    return this.loadedMetadata;
  }

  infer(request: InferenceRequest): Promise<InferenceResponse> {
    const workers = this.workers;
    if (workers.length === 0) {
      return Promise.reject(
        new ModelserveError(
          ErrorCodes.INFERENCE_FAILED,
          `model '${this.settings.name}' has no live worker thread`,
        ),
      );
    }
    let best = workers[0];
    for (let i = 1; i < workers.length; i++) if (workers[i].calls.size < best.calls.size) best = workers[i];
    this.queueSizes?.observe(this.labels, best.calls.size);
    return best.send(++this.nextId, request);
  }

  async unload(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.stop()));
    this.workers = [];
  }
}
