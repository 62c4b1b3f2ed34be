import { resolve } from "node:path";
import { z } from "zod";
import type { SdkContext } from "./context.js";
import { NotFoundError, SpecError, type SpecIssue } from "./errors.js";
import { ServeFunction } from "./function.js";
import { functionKey, modelKey, newId } from "./keys.js";
import { METADATA_SHAPE, newMetadata } from "./metadata.js";
import { Model } from "./model.js";
import { Run } from "./run.js";
import { didYouMean } from "./specs/suggest.js";
import { collectSpecIssues, parseSpec, validateFunctionSpec } from "./specs/validate.js";
import {
  FUNCTION_KINDS,
  type FunctionEntity,
  type FunctionKind,
  type FunctionSpecByKind,
  MODEL_KINDS,
  type ModelEntity,
  type ModelKind,
  type ProjectEntity,
  RUN_STATES,
  type RunEntity,
  type RunState,
} from "./types.js";

/** Entity-level fields of `newFunction` / `logModel` besides the spec. */
export interface EntityFields {
  name: string;
  /** the id of the new version (slug); default a fresh uuid4 hex */
  uuid?: string;
  description?: string;
  labels?: string[];
  embedded?: boolean;
}

export type NewFunctionOptions<K extends FunctionKind = FunctionKind> = EntityFields & {
  kind: K;
} & FunctionSpecByKind[K];

export interface LogModelOptions extends EntityFields {
  kind: ModelKind;
  /** where the artifact is: a local path (made absolute), `s3://…`, `hf://…` */
  path: string;
  framework?: string;
  algorithm?: string;
  parameters?: Record<string, unknown>;
}

export interface VersionOptions {
  /** a version id; default the latest version */
  version?: string;
}

export interface ListRunsOptions {
  state?: RunState;
  /** a function name: runs of every version of it */
  function?: string;
}

const METADATA_KEYS = Object.keys(METADATA_SHAPE);

function splitFields(input: Record<string, unknown>): [Record<string, unknown>, Record<string, unknown>] {
  const entity: Record<string, unknown> = {};
  const spec: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input))
    (METADATA_KEYS.includes(key) ? entity : spec)[key] = value;
  return [entity, spec];
}

function kindIssue(given: unknown, kinds: readonly string[]): SpecIssue {
  const near = typeof given === "string" ? didYouMean(given, kinds) : undefined;
  return {
    path: "kind",
    message:
      given === undefined
        ? "required"
        : near !== undefined
          ? `unknown kind; did you mean "${near}"?`
          : "unknown kind",
    given,
    allowed: kinds.join(", "),
  };
}

export class Project {
  constructor(
    readonly entity: ProjectEntity,
    private readonly ctx: SdkContext,
  ) {}

  get name(): string {
    return this.entity.name;
  }
  get key(): string {
    return this.entity.key;
  }
  /** The store and MODELSERVE_HOME this project lives in. */
  get context(): SdkContext {
    return this.ctx;
  }

  toJSON(): ProjectEntity {
    return this.entity;
  }

  /** Creates a function (a new version when the name exists). Nothing is stored if any field is wrong. */
  async newFunction<K extends FunctionKind>(options: NewFunctionOptions<K>): Promise<ServeFunction<K>> {
    const entity = this.buildFunction(options) as FunctionEntity<K>;
    await this.ctx.store.create("function", entity);
    return new ServeFunction(entity, this.ctx);
  }

  /**
   * Creates several functions, all or none: every one is validated first, and one SpecError lists the
   * problems of all of them (paths prefixed with the item's index, `[1].path`).
   */
  async newFunctions(list: readonly NewFunctionOptions[]): Promise<ServeFunction[]> {
    const entities: FunctionEntity[] = [];
    const issues: SpecIssue[] = [];
    list.forEach((options, i) => {
      try {
        entities.push(this.buildFunction(options));
      } catch (e) {
        if (!(e instanceof SpecError)) throw e;
        issues.push(...e.issues.map((issue) => ({ ...issue, path: `[${i}].${issue.path}` })));
      }
    });
    if (issues.length > 0) throw new SpecError("functions", issues);
    const created: ServeFunction[] = [];
    for (const entity of entities) {
      await this.ctx.store.create("function", entity);
      created.push(new ServeFunction(entity, this.ctx));
    }
    return created;
  }

  /** Validates the options (entity fields and spec together) and builds the entity. */
  private buildFunction(options: NewFunctionOptions): FunctionEntity {
    const { kind, ...rest } = options as unknown as Record<string, unknown>;
    if (!FUNCTION_KINDS.includes(kind as FunctionKind)) {
      throw new SpecError("function", [kindIssue(kind, FUNCTION_KINDS)]);
    }
    const fnKind = kind as FunctionKind;
    const [fields, specInput] = splitFields(rest);
    let entityFields: EntityFields | undefined;
    let spec: FunctionSpecByKind[FunctionKind] | undefined;
    collectSpecIssues(`${fnKind} function`, [
      () => {
        entityFields = parseSpec(z.strictObject(METADATA_SHAPE), fields, `${fnKind} function`);
      },
      () => {
        spec = validateFunctionSpec(fnKind, specInput);
      },
    ]);
    const f = entityFields!;
    const id = f.uuid ?? newId();
    return {
      kind: fnKind,
      metadata: { ...newMetadata(this.name, f.name, f), version: id },
      spec: spec!,
      status: { state: "CREATED" },
      key: functionKey(this.name, fnKind, f.name, id),
      project: this.name,
      id,
      name: f.name,
    };
  }

  /** The latest version of a function, or the given version (an id, or "latest"). */
  async getFunction(name: string, options: VersionOptions = {}): Promise<ServeFunction> {
    const entity = await this.getVersioned<FunctionEntity>("function", name, options.version);
    return new ServeFunction(entity, this.ctx);
  }

  /** The latest version of every function (or every version), newest first. */
  async listFunctions(
    options: { versions?: "latest" | "all"; name?: string } = {},
  ): Promise<ServeFunction[]> {
    const entities = await this.ctx.store.list<FunctionEntity>("function", this.name, options);
    return entities.map((e) => new ServeFunction(e, this.ctx));
  }

  async getRun(id: string): Promise<Run> {
    const entity = await this.ctx.store.get<RunEntity>("run", this.name, id);
    if (entity === undefined) throw new NotFoundError(`run ${id} does not exist in project ${this.name}`);
    return new Run(entity, this.ctx);
  }

  /** Newest first. */
  async listRuns(options: ListRunsOptions = {}): Promise<Run[]> {
    if (options.state !== undefined && !RUN_STATES.includes(options.state)) {
      throw new SpecError("run filter", [
        { path: "state", message: "unknown state", given: options.state, allowed: RUN_STATES.join(", ") },
      ]);
    }
    const entities = await this.ctx.store.list<RunEntity>("run", this.name, {
      state: options.state,
      functionName: options.function,
    });
    return entities.map((e) => new Run(e, this.ctx));
  }

  /** Registers a model artifact; functions can then use `store://{project}/model/{kind}/{name}:{id}`. */
  async logModel(options: LogModelOptions): Promise<Model> {
    const schema = z.strictObject({
      ...METADATA_SHAPE,
      kind: z.enum(MODEL_KINDS),
      path: z.string().min(1),
      framework: z.string().optional(),
      algorithm: z.string().optional(),
      parameters: z.record(z.string(), z.unknown()).optional(),
    });
    const parsed = parseSpec(schema, options, "model");
    const id = parsed.uuid ?? newId();
    // a relative local path would mean something else to a process started elsewhere
    const path = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(parsed.path) ? parsed.path : resolve(parsed.path);
    const spec: ModelEntity["spec"] = { path };
    if (parsed.framework !== undefined) spec.framework = parsed.framework;
    if (parsed.algorithm !== undefined) spec.algorithm = parsed.algorithm;
    if (parsed.parameters !== undefined) spec.parameters = parsed.parameters;
    const entity: ModelEntity = {
      kind: parsed.kind,
      metadata: { ...newMetadata(this.name, parsed.name, parsed), version: id },
      spec,
      status: { state: "CREATED" },
      key: modelKey(this.name, parsed.kind, parsed.name, id),
      project: this.name,
      id,
      name: parsed.name,
    };
    await this.ctx.store.create("model", entity);
    return new Model(entity);
  }

  async getModel(name: string, options: VersionOptions = {}): Promise<Model> {
    return new Model(await this.getVersioned<ModelEntity>("model", name, options.version));
  }

  async listModels(options: { versions?: "latest" | "all"; name?: string } = {}): Promise<Model[]> {
    const entities = await this.ctx.store.list<ModelEntity>("model", this.name, options);
    return entities.map((e) => new Model(e));
  }

  private async getVersioned<E extends FunctionEntity | ModelEntity>(
    type: "function" | "model",
    name: string,
    version: string | undefined,
  ): Promise<E> {
    const entity =
      version === undefined || version === "latest"
        ? await this.ctx.store.getLatest<E>(type, this.name, name)
        : await this.ctx.store.get<E>(type, this.name, version);
    if (entity === undefined || entity.name !== name) {
      const which = version === undefined || version === "latest" ? "" : ` version ${version}`;
      throw new NotFoundError(`${type} ${name}${which} does not exist in project ${this.name}`);
    }
    return entity;
  }
}
