import type { LoadedModel, ModelMetadata, ModelSettings } from "../runtimes/runtime.js";
import { ModelNotFoundError } from "./errors.js";
import type { TensorMetadata } from "./protocol/tensor.js";

/**
 * The models a server holds: many names, each with one or more versions, each in a lifecycle state
 * (MLServer's and Triton's repository states). A model that fails to load stays listed as UNAVAILABLE
 * with its reason, so its ready/metadata endpoints can say why; the rest of the server keeps serving.
 */

export type ModelState = "UNKNOWN" | "READY" | "UNAVAILABLE" | "LOADING" | "UNLOADING";

export interface ModelEntry {
  readonly name: string;
  readonly version: string | undefined;
  state: ModelState;
  /** why the model is not ready (load error, "unloaded"); empty when ready */
  reason: string;
  settings: ModelSettings;
  model: LoadedModel | undefined;
  metadata: ModelMetadata | undefined;
  /** declared inputs by name, when the metadata declares any (requests are checked against them) */
  declaredInputs: Map<string, TensorMetadata> | undefined;
  /** declared output names, when the metadata declares any */
  declaredOutputs: Set<string> | undefined;
  /** increases with every load: the default version is the newest ready one */
  generation: number;
}

/** Builds the served model for some settings (runtime lookup, workers, batching). */
export type ModelLoader = (settings: ModelSettings) => Promise<LoadedModel>;

export interface LoadListener {
  loaded(entry: ModelEntry): void;
  failed(entry: ModelEntry, error: unknown): void;
}

function versionKey(version: string | undefined): string {
  return version ?? "";
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class ModelRegistry {
  private readonly byName = new Map<string, Map<string, ModelEntry>>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private generation = 0;

  constructor(
    private readonly loader: ModelLoader,
    private readonly listener?: LoadListener,
  ) {}

  /** Runs `task` after any other load/unload of the same model name finished. */
  private serialised<T>(name: string, task: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(name) ?? Promise.resolve();
    const next = previous.then(task, task);
    const settled = next.catch(() => undefined);
    this.locks.set(name, settled);
    void settled.then(() => {
      if (this.locks.get(name) === settled) this.locks.delete(name);
    });
    return next;
  }

  /**
   * Loads (or reloads) a model version. Never throws for a model that fails to load: the returned entry is
   * UNAVAILABLE with the reason. A reload keeps serving the previous instance until the new one is ready.
   */
  load(settings: ModelSettings): Promise<ModelEntry> {
    return this.serialised(settings.name, async () => {
      let versions = this.byName.get(settings.name);
      if (versions === undefined) {
        versions = new Map();
        this.byName.set(settings.name, versions);
      }
      const key = versionKey(settings.version);
      const previous = versions.get(key);
      const entry: ModelEntry = previous ?? {
        name: settings.name,
        version: settings.version,
        state: "LOADING",
        reason: "",
        settings,
        model: undefined,
        metadata: undefined,
        declaredInputs: undefined,
        declaredOutputs: undefined,
        generation: 0,
      };
      if (previous === undefined) versions.set(key, entry);
      else if (previous.state !== "READY") previous.state = "LOADING";
      try {
        const model = await this.loader(settings);
        const metadata = model.metadata();
        const old = entry.model;
        entry.model = model;
        entry.settings = settings;
        entry.metadata = metadata;
        const checked = !model.checksOwnInputs;
        entry.declaredInputs =
          checked && metadata.inputs.length > 0
            ? new Map(metadata.inputs.map((t) => [t.name, t]))
            : undefined;
        entry.declaredOutputs =
          checked && metadata.outputs.length > 0 ? new Set(metadata.outputs.map((t) => t.name)) : undefined;
        entry.state = "READY";
        entry.reason = "";
        entry.generation = ++this.generation;
        if (old !== undefined && old !== model) await old.unload?.();
        this.listener?.loaded(entry);
      } catch (e) {
        if (entry.model === undefined) {
          entry.state = "UNAVAILABLE";
          entry.settings = settings;
        }
        entry.reason = `load failed: ${errorMessage(e)}`;
        this.listener?.failed(entry, e);
      }
      return entry;
    });
  }

  /** Lists a model that could not even be configured (unreadable settings) as UNAVAILABLE with the reason. */
  markFailed(name: string, version: string | undefined, reason: string): Promise<ModelEntry> {
    return this.serialised(name, async () => {
      let versions = this.byName.get(name);
      if (versions === undefined) {
        versions = new Map();
        this.byName.set(name, versions);
      }
      const key = versionKey(version);
      const entry: ModelEntry = versions.get(key) ?? {
        name,
        version,
        state: "UNAVAILABLE",
        reason,
        settings: { name, implementation: "", ...(version === undefined ? {} : { version }) },
        model: undefined,
        metadata: undefined,
        declaredInputs: undefined,
        declaredOutputs: undefined,
        generation: 0,
      };
      versions.set(key, entry);
      if (entry.model === undefined) entry.state = "UNAVAILABLE";
      entry.reason = reason;
      this.listener?.failed(entry, new Error(reason));
      return entry;
    });
  }

  /** Unloads every version of a model; it stays listed as UNAVAILABLE ("unloaded") until loaded again. */
  unload(name: string): Promise<void> {
    return this.serialised(name, async () => {
      const versions = this.byName.get(name);
      if (versions === undefined) throw new ModelNotFoundError(name);
      for (const entry of versions.values()) {
        const model = entry.model;
        entry.state = "UNLOADING";
        entry.model = undefined;
        try {
          await model?.unload?.();
        } finally {
          entry.state = "UNAVAILABLE";
          entry.reason = "unloaded";
          entry.metadata = undefined;
        }
      }
    });
  }

  /**
   * The entry for a name and optional version. Without a version: the unversioned model if there is one,
   * else the newest ready version, else the newest listed.
   */
  resolve(name: string, version?: string): ModelEntry {
    const versions = this.byName.get(name);
    if (versions === undefined) throw new ModelNotFoundError(name, version);
    if (version !== undefined && version !== "") {
      const entry = versions.get(version);
      if (entry === undefined) throw new ModelNotFoundError(name, version);
      return entry;
    }
    const unversioned = versions.get("");
    if (unversioned !== undefined || versions.size === 1)
      return unversioned ?? versions.values().next().value!;
    let best: ModelEntry | undefined;
    for (const entry of versions.values()) {
      if (
        best === undefined ||
        (entry.state === "READY" && best.state !== "READY") ||
        (entry.state === best.state && entry.generation > best.generation)
      ) {
        best = entry;
      }
    }
    return best!;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  versionsOf(name: string): string[] {
    const versions = this.byName.get(name);
    if (versions === undefined) return [];
    const out: string[] = [];
    for (const entry of versions.values()) if (entry.version !== undefined) out.push(entry.version);
    return out;
  }

  entries(): ModelEntry[] {
    const out: ModelEntry[] = [];
    for (const versions of this.byName.values()) out.push(...versions.values());
    return out;
  }

  /** Unloads everything (server shutdown). */
  async close(): Promise<void> {
    await Promise.allSettled([...this.byName.keys()].map((name) => this.unload(name)));
  }
}
