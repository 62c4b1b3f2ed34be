import { ErrorCodes, ModelserveError } from "../errors.js";
import {
  type Executor,
  type ExecutorContext,
  executorNameFor,
  type InvokeRequest,
  type LogEntry,
  resolveExecutor,
  type StatusUpdate,
  sendInvokeRequest,
} from "../executors/executor.js";
import type { SdkContext } from "./context.js";
import { ExecutionError, NotFoundError } from "./errors.js";
import { functionKindOf } from "./keys.js";
import { ACTIVE_STATES, applyStatusUpdate, assertTransition } from "./lifecycle.js";
import type { RunEntity, RunSpec, RunState, RunStatus } from "./types.js";

export interface WaitOptions {
  /** give up after this long (default 300 s, as the original `serve_timeout`) */
  timeoutMs?: number;
  /** time between two refreshes (default 1 s) */
  intervalMs?: number;
}

const FINAL_FOR_WAIT: ReadonlySet<RunState> = new Set(["ERROR", "STOPPED", "COMPLETED", "DELETED"]);

/**
 * A run: one execution of a function's serve task. It owns the lifecycle (every state change is
 * checked against the run FSM and recorded in `status.transitions`) and hands the real work to the
 * executor of its slot: "local" when `spec.local_execution` is true, else "kubernetes".
 * With no executor available a run stays BUILT and says so in `status.message`.
 */
export class Run {
  #entity: RunEntity;

  constructor(
    entity: RunEntity,
    private readonly ctx: SdkContext,
  ) {
    this.#entity = entity;
  }

  get entity(): RunEntity {
    return this.#entity;
  }
  get id(): string {
    return this.#entity.id;
  }
  get key(): string {
    return this.#entity.key;
  }
  get kind(): RunEntity["kind"] {
    return this.#entity.kind;
  }
  get project(): string {
    return this.#entity.project;
  }
  get spec(): RunSpec {
    return this.#entity.spec;
  }
  get status(): RunStatus {
    return this.#entity.status;
  }
  get state(): RunState {
    return this.#entity.status.state;
  }

  toJSON(): RunEntity {
    return this.#entity;
  }

  /** The executor slot this run uses. */
  get executorName(): string {
    return executorNameFor(this.spec);
  }

  private async executor(): Promise<Executor | undefined> {
    return resolveExecutor(this.executorName);
  }

  private async requireExecutor(action: string): Promise<Executor> {
    const executor = await this.executor();
    if (executor === undefined) {
      throw new ExecutionError(
        `cannot ${action} run ${this.id}: no "${this.executorName}" executor is available` +
          (this.executorName === "kubernetes"
            ? " (pass local_execution: true to serve it on this machine)"
            : ""),
      );
    }
    return executor;
  }

  private executorContext(): ExecutorContext {
    return { home: this.ctx.home, update: async (update) => (await this.applyUpdate(update)).entity };
  }

  /**
   * Applies a status update atomically against the stored run (so concurrent processes see one
   * history): INVALID_TRANSITION if the stored state does not allow it. Executors report through
   * `ExecutorContext.update`, which lands here.
   */
  async applyUpdate(update: StatusUpdate): Promise<this> {
    this.#entity = await this.ctx.store.update<RunEntity>("run", this.project, this.id, (current) =>
      applyStatusUpdate(current, update),
    );
    return this;
  }

  /** Re-reads the run from the store, then asks its executor what it sees now (if it is active). */
  async refresh(): Promise<this> {
    const stored = await this.ctx.store.get<RunEntity>("run", this.project, this.id);
    if (stored === undefined)
      throw new NotFoundError(`run ${this.id} does not exist in project ${this.project}`);
    this.#entity = stored;
    if (!ACTIVE_STATES.has(this.state)) return this;
    const executor = await this.executor();
    if (executor === undefined) return this;
    // not guarded: failing to look (e.g. the cluster is unreachable for a moment) says nothing about
    // the run; an executor that sees the run fail reports ERROR itself
    const update = await executor.refresh(this.#entity, this.executorContext());
    if (update !== undefined) await this.applyUpdate(update);
    return this;
  }

  /** BUILT → READY, then the executor starts the service (PENDING or RUNNING). */
  async start(): Promise<this> {
    return this.step("READY", "start", (executor, run, ctx) => executor.start(run, ctx));
  }

  /** → STOP, then the executor stops the service (STOPPED). */
  async stop(): Promise<this> {
    return this.step("STOP", "stop", (executor, run, ctx) => executor.stop(run, ctx));
  }

  /** STOPPED → RESUME, then the executor starts the service again (RUNNING or PENDING). */
  async resume(): Promise<this> {
    return this.step("RESUME", "resume", (executor, run, ctx) => executor.resume(run, ctx));
  }

  /**
   * One lifecycle step: check the transition against the stored state, enter `state`, let the
   * executor act, apply what it reports.
   */
  private async step(
    state: RunState,
    action: string,
    act: (executor: Executor, run: RunEntity, ctx: ExecutorContext) => Promise<StatusUpdate>,
  ): Promise<this> {
    await this.refreshStored();
    assertTransition(this.#entity, this.state, state);
    const executor = await this.requireExecutor(action);
    await this.applyUpdate({ state, message: null });
    const update = await this.guarded(() => act(executor, this.#entity, this.executorContext()));
    return this.applyUpdate(update);
  }

  /**
   * → DELETING, the executor removes what it created, then the run is removed from the store.
   * A run that never started (CREATED, BUILT) needs no executor.
   */
  async delete(): Promise<void> {
    await this.refreshStored();
    assertTransition(this.#entity, this.state, "DELETING");
    const started = this.state !== "CREATED" && this.state !== "BUILT";
    const executor = started ? await this.requireExecutor("delete") : undefined;
    await this.applyUpdate({ state: "DELETING" });
    if (executor !== undefined)
      await this.guarded(() => executor.delete(this.#entity, this.executorContext()));
    await this.ctx.store.delete("run", this.project, this.id);
    this.#entity = applyStatusUpdate(this.#entity, { state: "DELETED" });
  }

  async logs(): Promise<LogEntry[]> {
    const executor = await this.requireExecutor("read the logs of");
    return executor.logs(this.#entity, this.executorContext());
  }

  /**
   * Refreshes until the service is up (RUNNING with `status.service`), and returns the run.
   * Throws EXECUTION_FAILED if the run ends in ERROR (with its message), stops, or the time runs out.
   */
  async wait(options: WaitOptions = {}): Promise<this> {
    const timeoutMs = options.timeoutMs ?? 300_000;
    const intervalMs = options.intervalMs ?? 1_000;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.refresh();
      if (this.state === "RUNNING" && this.status.service !== undefined) return this;
      if (FINAL_FOR_WAIT.has(this.state)) {
        throw new ExecutionError(
          `run ${this.id} ended in ${this.state}${this.status.message ? `: ${this.status.message}` : ""}`,
        );
      }
      if (Date.now() >= deadline) {
        throw new ExecutionError(
          `run ${this.id} was not serving after ${timeoutMs} ms (state ${this.state})`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }

  /**
   * Calls the run's service: by default `POST http://{service.url}/v2/models/{model}/infer` for V2 kinds
   * (model: the request's `model_name`, else the spec's, else "model"), the first `service.urls` entry for
   * KubeAI kinds. An explicit `url` must point at the run's service. The executor may take over.
   */
  async invoke(request: InvokeRequest = {}): Promise<Response> {
    const executor = await this.executor();
    if (executor?.invoke !== undefined) return executor.invoke(this.#entity, request, this.executorContext());
    return sendInvokeRequest(this.invokeUrl(request), request);
  }

  private invokeUrl(request: InvokeRequest): string {
    const service = this.status.service;
    if (service === undefined) {
      throw new ModelserveError(
        ErrorCodes.SERVICE_UNAVAILABLE,
        `run ${this.id} has no service yet (state ${this.state}); wait for it with run.wait()`,
      );
    }
    const base = stripScheme(service.url);
    if (request.url !== undefined) {
      if (!stripScheme(request.url).startsWith(base)) {
        throw new ModelserveError(
          ErrorCodes.BAD_REQUEST,
          `invalid url ${request.url}: it must point at the run's service ${service.url}`,
        );
      }
      return withScheme(request.url);
    }
    const kind = functionKindOf(this.kind);
    if (kind === "kubeai-text" || kind === "kubeai-speech")
      return withScheme(service.urls?.[0] ?? service.url);
    const model = request.model_name ?? this.spec.model_name ?? "model";
    return `${withScheme(base)}/v2/models/${encodeURIComponent(model)}/infer`;
  }

  /** Re-reads the stored run so that lifecycle checks use the state other processes may have set. */
  private async refreshStored(): Promise<void> {
    const stored = await this.ctx.store.get<RunEntity>("run", this.project, this.id);
    if (stored === undefined)
      throw new NotFoundError(`run ${this.id} does not exist in project ${this.project}`);
    this.#entity = stored;
  }

  /** Runs an executor call; a failure is recorded as ERROR on the run, then rethrown. */
  private async guarded<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      await this.applyUpdate({ state: "ERROR", message }).catch(() => undefined);
      if (e instanceof ModelserveError) throw e;
      throw new ExecutionError(`run ${this.id}: ${message}`, { cause: e });
    }
  }
}

function stripScheme(url: string): string {
  return url.replace(/^https?:\/\//, "");
}

function withScheme(url: string): string {
  return /^https?:\/\//.test(url) ? url : `http://${url}`;
}
