import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { RunEntity, RunSpec, RunState, ServiceInfo } from "../sdk/types.js";

/**
 * The plug-in interface between a Run and whatever executes it (a local process, Kubernetes objects).
 * The Run entity owns the lifecycle: it checks every transition against the run FSM, records
 * `status.transitions` and persists the status; an executor only does the work and reports what it
 * observed as a StatusUpdate. So executors never write the store and never bypass the FSM.
 *
 * Who moves which state (Core FSM, §4.2 of the reference):
 * - `start`:  the Run moves BUILT → READY, then applies the executor's answer (PENDING, RUNNING or ERROR);
 * - `refresh`: the Run applies the answer as is (PENDING → RUNNING, RUNNING → ERROR, …), or nothing on `undefined`;
 * - `stop`:   the Run moves to STOP, then applies the answer (normally STOPPED);
 * - `resume`: the Run moves STOPPED → RESUME, then applies the answer (RUNNING or PENDING);
 * - `delete`: the Run moves to DELETING, the executor removes what it created, then the run is deleted
 *   from the store.
 * An executor that throws makes the Run record ERROR with the error's message; throw a ModelserveError
 * (code EXECUTION_FAILED) with a message a user can act on.
 */

/** What an executor observed. Absent fields are left as they are; `null` removes them. */
export interface StatusUpdate {
  state?: RunState;
  message?: string | null;
  /** `url` without a scheme, e.g. `"127.0.0.1:8080"`, see ServiceInfo */
  service?: ServiceInfo | null;
  /** any other status keys (`inference_v2`, `openai`, `k8s`, a pid, …); a `null` value removes the key */
  extra?: Record<string, unknown>;
}

export interface LogEntry {
  /** where the line comes from: `"stdout"`, `"stderr"`, a pod/container name… */
  source: string;
  content: string;
  /** ISO-8601, when known */
  time?: string;
}

/** An inference or other HTTP call to a run's service. */
export interface InvokeRequest {
  /** target model for the default V2 URL; defaults to the run's `model_name`, else `"model"` */
  model_name?: string;
  /** a full URL (it must point at the run's service); overrides `model_name` */
  url?: string;
  method?: string;
  /** sent as JSON with `content-type: application/json` */
  json?: unknown;
  /** sent as is (e.g. FormData for speech-to-text uploads) */
  body?: string | Uint8Array | FormData;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** give up after this long (an AbortSignal.timeout combined with `signal`); default: no limit */
  timeoutMs?: number;
}

/**
 * The HTTP call of an invoke, shared by the Run and executors that reach the service another way:
 * `json` is sent with `content-type: application/json`; the method is POST with a body, else GET.
 */
export function sendInvokeRequest(url: string, request: InvokeRequest): Promise<Response> {
  const headers: Record<string, string> = { ...request.headers };
  let body: string | Uint8Array | FormData | undefined = request.body;
  if (request.json !== undefined) {
    body = JSON.stringify(request.json);
    headers["content-type"] ??= "application/json";
  }
  const method = request.method ?? (body === undefined ? "GET" : "POST");
  const signals = [
    request.signal,
    request.timeoutMs === undefined ? undefined : AbortSignal.timeout(request.timeoutMs),
  ];
  const present = signals.filter((x): x is AbortSignal => x !== undefined);
  const signal = present.length > 1 ? AbortSignal.any(present) : present[0];
  return fetch(url, { method, headers, body, signal });
}

export interface ExecutorContext {
  /** MODELSERVE_HOME of the store the run lives in (for work directories, pid files, logs) */
  readonly home: string;
  /**
   * Report a later change (e.g. a server that became ready after `start` returned). The update goes
   * through the same FSM checks as a returned one; it resolves to the stored run afterwards.
   */
  update(update: StatusUpdate): Promise<RunEntity>;
}

export interface Executor {
  start(run: RunEntity, ctx: ExecutorContext): Promise<StatusUpdate>;
  /** Look at the real world again; `undefined` means nothing changed. */
  refresh(run: RunEntity, ctx: ExecutorContext): Promise<StatusUpdate | undefined>;
  stop(run: RunEntity, ctx: ExecutorContext): Promise<StatusUpdate>;
  resume(run: RunEntity, ctx: ExecutorContext): Promise<StatusUpdate>;
  /** Remove everything the executor created for the run (processes, k8s objects, files). */
  delete(run: RunEntity, ctx: ExecutorContext): Promise<void>;
  logs(run: RunEntity, ctx: ExecutorContext): Promise<LogEntry[]>;
  /** Optional: without it the Run invokes `http://{status.service.url}/v2/models/{model}/infer` itself. */
  invoke?(run: RunEntity, request: InvokeRequest, ctx: ExecutorContext): Promise<Response>;
}

/** The two built-in slots. Other names may be registered too. */
export type ExecutorName = "local" | "kubernetes";

/** `null`: the slot was emptied on purpose, so the conventional module is not looked up either. */
const registry = new Map<string, Executor | null>();

/** Plug an executor in (or replace one). */
export function registerExecutor(name: ExecutorName | (string & {}), executor: Executor): void {
  registry.set(name, executor);
}

/** Empties a slot: runs of it get no executor (and stay BUILT), even if the conventional module exists. */
export function unregisterExecutor(name: string): void {
  registry.set(name, null);
}

/** A run with `local_execution: true` runs on "local", every other run on "kubernetes". */
export function executorNameFor(spec: Pick<RunSpec, "local_execution">): ExecutorName {
  return spec.local_execution ? "local" : "kubernetes";
}

/**
 * The executor registered under `name`; otherwise, by convention, the module
 * `src/executors/<name>/index.ts` if it exists, whose `createExecutor(): Executor` is called once
 * and registered. So an executor plugs in by existing, with no change to the SDK. `undefined` if neither.
 */
export async function resolveExecutor(name: string): Promise<Executor | undefined> {
  const registered = registry.get(name);
  if (registered === null) return undefined;
  if (registered !== undefined) return registered;
  if (!/^[a-z][a-z0-9-]*$/.test(name)) return undefined;
  const specifier = `./${name}/index.js`;
  const compiled = fileURLToPath(new URL(specifier, import.meta.url));
  // Under tsx/vitest the sources are .ts while the specifier stays .js (they map it).
  if (!existsSync(compiled) && !existsSync(compiled.replace(/\.js$/, ".ts"))) return undefined;
  const mod = (await import(specifier)) as { createExecutor?: () => Executor };
  if (typeof mod.createExecutor !== "function") return undefined;
  // another caller may have registered one while the module was loading
  const executor = registry.get(name) ?? mod.createExecutor();
  registry.set(name, executor);
  return executor;
}
