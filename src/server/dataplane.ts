import { randomUUID } from "node:crypto";
import { isModelserveError } from "../errors.js";
import type { ModelMetadata } from "../runtimes/runtime.js";
import { VERSION } from "../version.js";
import { elementCount, storageMatches } from "./codecs/datatypes.js";
import {
  BadRequestError,
  InferenceFailedError,
  InferenceTimeoutError,
  ModelLoadError,
  ModelNotFoundError,
  ModelNotReadyError,
} from "./errors.js";
import type { ModelEntry, ModelRegistry, ModelState } from "./model-registry.js";
import type { RepositoryModel } from "./model-settings.js";
import type { InferenceRequest, InferenceResponse, Tensor, TensorMetadata } from "./protocol/tensor.js";

/**
 * The transport-independent inference server (MLServer's DataPlane): REST and gRPC both call it, so
 * they give the same answers and errors. Errors are ModelserveErrors whose code each transport maps to
 * its status (BAD_REQUEST 400/INVALID_ARGUMENT, MODEL_NOT_FOUND 404/NOT_FOUND, MODEL_NOT_READY
 * 400/UNAVAILABLE, INFERENCE_FAILED 500/INTERNAL, TIMEOUT 504/DEADLINE_EXCEEDED).
 */

export interface ServerMetadata {
  name: string;
  version: string;
  extensions: string[];
}

export interface RepositoryIndexEntry {
  name: string;
  version?: string;
  state: ModelState;
  reason: string;
}

/** Where model settings come from for the repository API (a folder tree of model-settings.json). */
export interface ModelRepository {
  list(): Promise<RepositoryModel[]>;
}

/** Told about every inference, for metrics. */
export interface InferenceObserver {
  observe(model: string, version: string | undefined, seconds: number, ok: boolean): void;
}

export interface DataPlaneOptions {
  registry: ModelRegistry;
  repository?: ModelRepository;
  observer?: InferenceObserver;
  /** abort an inference that takes longer (milliseconds); 0 or undefined: no limit */
  inferTimeoutMs?: number;
  /** server ready only when every listed model is ready (Triton's strict readiness); default true */
  strictReadiness?: boolean;
  serverName?: string;
  extensions?: string[];
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function shapeFits(declared: readonly number[], actual: readonly number[]): boolean {
  if (declared.length === actual.length) {
    for (let i = 0; i < declared.length; i++) {
      if (declared[i] !== -1 && declared[i] !== actual[i]) return false;
    }
    return true;
  }
  // MLServer's numpy codec reads a 1-D [N] tensor as [N, 1]
  if (actual.length === 1 && declared.length === 2 && (declared[1] === 1 || declared[1] === -1)) {
    return declared[0] === -1 || declared[0] === actual[0];
  }
  return false;
}

function describeShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

function checkInputs(entry: ModelEntry, request: InferenceRequest): void {
  const declared = entry.declaredInputs;
  if (declared === undefined) return;
  const inputs = request.inputs;
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i];
    const spec = declared.get(input.name);
    if (spec === undefined) {
      throw new BadRequestError(
        `input '${input.name}' is not an input of model '${entry.name}'; expected ${[...declared.keys()].map((n) => `'${n}'`).join(", ")}`,
      );
    }
    if (spec.datatype !== input.datatype) {
      throw new BadRequestError(
        `input '${input.name}': datatype ${input.datatype} given, model '${entry.name}' expects ${spec.datatype}`,
      );
    }
    if (!shapeFits(spec.shape, input.shape)) {
      throw new BadRequestError(
        `input '${input.name}': shape ${describeShape(input.shape)} given, model '${entry.name}' expects ${describeShape(spec.shape)} (-1 is any size)`,
      );
    }
  }
  if (inputs.length < declared.size) {
    for (const name of declared.keys()) {
      if (!inputs.some((t) => t.name === name)) {
        throw new BadRequestError(`input '${name}' is missing; model '${entry.name}' needs it`);
      }
    }
  }
}

function checkRequestedOutputs(entry: ModelEntry, request: InferenceRequest): void {
  const declared = entry.declaredOutputs;
  const requested = request.outputs;
  if (declared === undefined || requested === undefined) return;
  for (const output of requested) {
    if (!declared.has(output.name)) {
      throw new BadRequestError(
        `output '${output.name}' is not an output of model '${entry.name}'; it has ${[...declared].map((n) => `'${n}'`).join(", ")}`,
      );
    }
  }
}

function checkOutput(model: string, tensor: Tensor): void {
  if (!storageMatches(tensor.datatype, tensor.data)) {
    throw new InferenceFailedError(
      model,
      `output '${tensor.name}' has storage that does not match its datatype ${tensor.datatype}`,
    );
  }
  if (elementCount(tensor.shape) !== tensor.data.length) {
    throw new InferenceFailedError(
      model,
      `output '${tensor.name}' has shape ${describeShape(tensor.shape)} but ${tensor.data.length} elements`,
    );
  }
}

function selectOutputs(entry: ModelEntry, request: InferenceRequest, produced: Tensor[]): Tensor[] {
  for (let i = 0; i < produced.length; i++) checkOutput(entry.name, produced[i]);
  const requested = request.outputs;
  if (requested === undefined || requested.length === 0) return produced;
  return requested.map((o) => {
    const tensor = produced.find((t) => t.name === o.name);
    if (tensor === undefined) {
      throw new BadRequestError(
        `model '${entry.name}' did not produce the requested output '${o.name}'; it produced ${produced.map((t) => `'${t.name}'`).join(", ") || "nothing"}`,
      );
    }
    return tensor;
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, model: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new InferenceTimeoutError(model, ms)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export class DataPlane {
  readonly registry: ModelRegistry;
  private readonly repository: ModelRepository | undefined;
  private readonly observer: InferenceObserver | undefined;
  private readonly inferTimeoutMs: number;
  private readonly strictReadiness: boolean;
  private readonly metadata: ServerMetadata;

  constructor(options: DataPlaneOptions) {
    this.registry = options.registry;
    this.repository = options.repository;
    this.observer = options.observer;
    this.inferTimeoutMs = options.inferTimeoutMs ?? 0;
    this.strictReadiness = options.strictReadiness ?? true;
    this.metadata = {
      name: options.serverName ?? "modelserve",
      version: VERSION,
      extensions: options.extensions ?? ["model_repository", "binary_tensor_data", "metrics"],
    };
  }

  live(): boolean {
    return true;
  }

  /** Ready when no model is loading and (strict) every listed model is ready, or (lenient) one is. */
  ready(): boolean {
    const entries = this.registry.entries();
    let anyReady = false;
    for (const entry of entries) {
      if (entry.state === "LOADING") return false;
      if (entry.state === "READY") anyReady = true;
      else if (this.strictReadiness && entry.reason !== "unloaded") return false;
    }
    return this.strictReadiness || anyReady || entries.length === 0;
  }

  /** Throws ModelNotFoundError for an unknown model or version. */
  modelReady(name: string, version?: string): boolean {
    return this.registry.resolve(name, version).state === "READY";
  }

  /** The entry of a model (for transports that report state and reason). */
  modelEntry(name: string, version?: string): ModelEntry {
    return this.registry.resolve(name, version);
  }

  serverMetadata(): ServerMetadata {
    return this.metadata;
  }

  modelMetadata(name: string, version?: string): ModelMetadata {
    const entry = this.readyEntry(name, version);
    const metadata = entry.metadata!;
    const versions = this.registry.versionsOf(name);
    return {
      ...metadata,
      name: entry.name,
      ...(versions.length > 0 ? { versions } : {}),
    };
  }

  private readyEntry(name: string, version: string | undefined): ModelEntry {
    const entry = this.registry.resolve(name, version);
    if (entry.state !== "READY" || entry.model === undefined) {
      throw new ModelNotReadyError(name, version ?? entry.version, entry.state, entry.reason);
    }
    return entry;
  }

  /** Declared inputs of a ready model (transports need them for the raw binary request form). */
  declaredInputs(name: string, version?: string): TensorMetadata[] {
    return this.readyEntry(name, version).metadata?.inputs ?? [];
  }

  infer(name: string, version: string | undefined, request: InferenceRequest): Promise<InferenceResponse> {
    try {
      return Promise.resolve(this.inferNow(name, version, request));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * `infer` for the transports' hot paths: when the model answers synchronously so does this, with no
   * promise and no microtask in between, and errors are thrown rather than rejected.
   */
  inferNow(
    name: string,
    version: string | undefined,
    request: InferenceRequest,
  ): InferenceResponse | Promise<InferenceResponse> {
    const entry = this.readyEntry(name, version);
    checkInputs(entry, request);
    checkRequestedOutputs(entry, request);
    if (request.id === undefined) request.id = randomUUID();
    const started = performance.now();
    let produced: InferenceResponse | Promise<InferenceResponse>;
    try {
      produced = entry.model!.infer(request);
    } catch (e) {
      throw this.failed(entry, started, e);
    }
    if (!(produced instanceof Promise)) return this.answer(entry, request, produced, started);
    // a synchronous model cannot be interrupted anyway: only a pending answer gets a timer
    const pending = this.inferTimeoutMs > 0 ? withTimeout(produced, this.inferTimeoutMs, name) : produced;
    return pending.then(
      (done) => this.answer(entry, request, done, started),
      (e: unknown) => {
        throw this.failed(entry, started, e);
      },
    );
  }

  /** The response the client asked for, from the model's answer; observed as a success. */
  private answer(
    entry: ModelEntry,
    request: InferenceRequest,
    produced: InferenceResponse,
    started: number,
  ): InferenceResponse {
    let outputs: Tensor[];
    try {
      outputs = selectOutputs(entry, request, produced.outputs);
    } catch (e) {
      throw this.failed(entry, started, e);
    }
    this.observer?.observe(entry.name, entry.version, (performance.now() - started) / 1000, true);
    const response: InferenceResponse = { model_name: entry.name, id: request.id, outputs };
    if (entry.version !== undefined) response.model_version = entry.version;
    if (produced.parameters !== undefined) response.parameters = produced.parameters;
    return response;
  }

  /** Observes a failed inference and gives the error to throw: a model's own error becomes INFERENCE_FAILED. */
  private failed(entry: ModelEntry, started: number, e: unknown): Error {
    this.observer?.observe(entry.name, entry.version, (performance.now() - started) / 1000, false);
    return isModelserveError(e) ? e : new InferenceFailedError(entry.name, errorMessage(e), { cause: e });
  }

  async repositoryIndex(options: { ready?: boolean } = {}): Promise<RepositoryIndexEntry[]> {
    const out: RepositoryIndexEntry[] = [];
    const listed = new Set<string>();
    for (const entry of this.registry.entries()) {
      listed.add(`${entry.name}\u0000${entry.version ?? ""}`);
      if (options.ready && entry.state !== "READY") continue;
      const item: RepositoryIndexEntry = { name: entry.name, state: entry.state, reason: entry.reason };
      if (entry.version !== undefined) item.version = entry.version;
      out.push(item);
    }
    if (!options.ready && this.repository !== undefined) {
      for (const model of await this.repository.list()) {
        if (listed.has(`${model.name}\u0000${model.version ?? ""}`)) continue;
        const item: RepositoryIndexEntry = {
          name: model.name,
          state: "UNAVAILABLE",
          reason: model.error ?? "not loaded",
        };
        if (model.version !== undefined) item.version = model.version;
        out.push(item);
      }
    }
    return out;
  }

  /**
   * Loads (or reloads) every version of a model: from the repository when it has the name, else from
   * the settings it was last loaded with. Throws ModelLoadError when a version fails to load.
   */
  async loadModel(name: string): Promise<void> {
    const found = (await this.repository?.list())?.filter((m) => m.name === name) ?? [];
    if (found.length === 0 && this.registry.has(name)) {
      for (const entry of this.registry.entries()) {
        if (entry.name === name) found.push({ name, settings: entry.settings });
      }
    }
    if (found.length === 0) throw new ModelNotFoundError(name);
    const entries = await Promise.all(
      found.map((m) =>
        m.settings === undefined
          ? this.registry.markFailed(name, m.version, m.error)
          : this.registry.load(m.settings),
      ),
    );
    const failed = entries.filter((e) => e.state !== "READY");
    if (failed.length > 0) {
      throw new ModelLoadError(`model '${name}' failed to load: ${failed.map((e) => e.reason).join("; ")}`);
    }
  }

  async unloadModel(name: string): Promise<void> {
    await this.registry.unload(name);
  }
}
