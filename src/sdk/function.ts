import { executorNameFor, resolveExecutor } from "../executors/executor.js";
import type { SdkContext } from "./context.js";
import { AlreadyExistsError, SpecError } from "./errors.js";
import { functionRef, nameBasedId, newId, runKey, runKindOf, taskKey, taskKindOf, taskRef } from "./keys.js";
import { applyStatusUpdate } from "./lifecycle.js";
import { newMetadata } from "./metadata.js";
import { Run } from "./run.js";
import {
  collectSpecIssues,
  mergeSpecs,
  validateRunOptions,
  validateRunSpec,
  validateTaskSpec,
} from "./specs/validate.js";
import type {
  FunctionEntity,
  FunctionKind,
  FunctionSpecByKind,
  RunEntity,
  RunOptions,
  RunSpec,
  ServeTaskSpec,
  TaskAction,
  TaskEntity,
} from "./types.js";

/** `fn.run()` arguments: the action plus any task or run field (they win over the function's). */
export type RunArguments = { action: TaskAction } & RunOptions;

/** Task fields that `fn.newTask()` stores for every later run of this function version. */
export type TaskOptions = Partial<Omit<ServeTaskSpec, "function">>;

/**
 * A function version. `run({action: "serve", ...})` reuses the function's serve task (creating it
 * the first time), creates the run (CREATED), builds it (BUILT, with the merged and validated spec) and
 * hands it to the executor of its slot if there is one.
 */
export class ServeFunction<K extends FunctionKind = FunctionKind> {
  constructor(
    readonly entity: FunctionEntity<K>,
    private readonly ctx: SdkContext,
  ) {}

  get id(): string {
    return this.entity.id;
  }
  get name(): string {
    return this.entity.name;
  }
  get kind(): K {
    return this.entity.kind;
  }
  get key(): string {
    return this.entity.key;
  }
  get project(): string {
    return this.entity.project;
  }
  get spec(): FunctionSpecByKind[K] {
    return this.entity.spec;
  }
  /** `{kind}://{project}/{name}:{id}` */
  get ref(): string {
    return functionRef(this.kind, this.project, this.name, this.id);
  }

  toJSON(): FunctionEntity<K> {
    return this.entity;
  }

  /** The serve task's id: one per function version, derived from the function's key. */
  private get taskId(): string {
    return nameBasedId(`${this.key}#${taskKindOf(this.kind)}`);
  }

  /** The serve task of this function version, if one was created. */
  async getTask(): Promise<TaskEntity | undefined> {
    return this.ctx.store.get<TaskEntity>("task", this.project, this.taskId);
  }

  /** Creates the serve task with task-level fields; ALREADY_EXISTS if the function has one. */
  async newTask(options: TaskOptions = {}): Promise<TaskEntity> {
    try {
      return await this.ctx.store.create("task", this.buildTask(options));
    } catch (e) {
      if (!(e instanceof AlreadyExistsError)) throw e;
      throw new AlreadyExistsError(
        `function ${this.name}:${this.id} already has a ${taskKindOf(this.kind)} task`,
      );
    }
  }

  private buildTask(options: TaskOptions): TaskEntity {
    const spec = validateTaskSpec(this.kind, { ...options, function: this.ref });
    const id = this.taskId;
    const kind = taskKindOf(this.kind);
    return {
      kind,
      metadata: newMetadata(this.project, id, {}),
      spec,
      status: { state: "CREATED" },
      key: taskKey(this.project, kind, id),
      project: this.project,
      id,
      name: id,
    };
  }

  /** Validates the run fields and the merged spec (function < task < run), reporting both together. */
  private buildRunSpec(
    task: TaskEntity,
    fields: Record<string, unknown>,
  ): { options: Partial<RunSpec>; merged: RunSpec } {
    const refs = {
      task: taskRef(task.kind, this.project, task.id),
      function: this.ref,
      local_execution: fields.local_execution === true,
    };
    const { function: _taskFunction, ...taskFields } = task.spec;
    let options: Partial<RunSpec> = {};
    let merged: RunSpec | undefined;
    collectSpecIssues(`${this.kind} run`, [
      () => {
        options = { ...validateRunOptions(this.kind, fields), ...refs };
      },
      () => {
        merged = validateRunSpec(this.kind, mergeSpecs(this.spec, taskFields, fields, refs));
      },
    ]);
    return { options, merged: merged! };
  }

  private checkAction(action: string): void {
    if (action !== "serve") {
      throw new SpecError(`${this.kind} run`, [
        { path: "action", message: "unknown action", given: action, allowed: '"serve"' },
      ]);
    }
  }

  private newRunEntity(id: string, spec: RunSpec, state: "CREATED" | "BUILT"): RunEntity {
    const runKind = runKindOf(this.kind);
    return {
      kind: runKind,
      metadata: {
        ...newMetadata(this.project, id, {}),
        relationships: [{ type: "run_of", dest: this.key }],
      },
      spec,
      status: { state, metrics: {} },
      key: runKey(this.project, runKind, id),
      project: this.project,
      id,
      name: id,
    };
  }

  /**
   * The run that `run(args)` would create, validated and merged (function < task < run) but neither stored
   * nor started: what `modelserve run --dry-run` renders.
   */
  async plan(args: RunArguments): Promise<RunEntity> {
    const { action, ...fields } = args;
    this.checkAction(action);
    const { merged } = this.buildRunSpec((await this.getTask()) ?? this.buildTask({}), fields);
    return this.newRunEntity(newId(), merged, "BUILT");
  }

  async run(args: RunArguments): Promise<Run> {
    const { action, ...fields } = args;
    this.checkAction(action);
    const existing = await this.getTask();
    // validated before anything is stored
    let { options, merged } = this.buildRunSpec(existing ?? this.buildTask({}), fields);
    if (existing === undefined) {
      try {
        await this.ctx.store.create("task", this.buildTask({}));
      } catch (e) {
        if (!(e instanceof AlreadyExistsError)) throw e;
        // another process created the task meanwhile, perhaps with its own fields: merge over those
        const stored = await this.getTask();
        ({ options, merged } = this.buildRunSpec(stored!, fields));
      }
    }
    const id = newId();
    await this.ctx.store.create("run", this.newRunEntity(id, options as RunSpec, "CREATED"));
    const executorName = executorNameFor(merged);
    const executor = await resolveExecutor(executorName);
    const message =
      executor === undefined
        ? `no "${executorName}" executor is available: the run stays BUILT` +
          (executorName === "kubernetes" ? " (pass local_execution: true to serve it on this machine)" : "")
        : undefined;
    const built = await this.ctx.store.update<RunEntity>("run", this.project, id, (current) =>
      applyStatusUpdate({ ...current, spec: merged }, { state: "BUILT", message }),
    );
    const run = new Run(built, this.ctx);
    if (executor !== undefined) await run.start();
    return run;
  }

  /** Runs of this function (every version), newest first. */
  async listRuns(): Promise<Run[]> {
    const runs = await this.ctx.store.list<RunEntity>("run", this.project, {
      kind: runKindOf(this.kind),
      functionName: this.name,
    });
    return runs.map((r) => new Run(r, this.ctx));
  }
}
