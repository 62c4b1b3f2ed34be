import type { StatusUpdate } from "../executors/executor.js";
import { InvalidTransitionError } from "./errors.js";
import type { RunEntity, RunState, RunStatus } from "./types.js";

/**
 * The run state machine: the Core FSM of the original platform (§4.2 of the reference), with three
 * additions a served model needs: PENDING → STOP (stop a deployment that never became ready),
 * RUNNING → PENDING (a server that lost its readiness, e.g. a restarted pod or KubeAI with no ready
 * replica) and RESUME → PENDING (a resumed server that is not ready yet).
 * A status update with the current state is not a transition (the Core's LOOP event): it only merges.
 */
export const RUN_TRANSITIONS: Readonly<Record<RunState, readonly RunState[]>> = {
  CREATED: ["BUILT", "ERROR", "DELETING"],
  BUILT: ["READY", "ERROR", "DELETING"],
  READY: ["PENDING", "RUNNING", "ERROR", "DELETING"],
  PENDING: ["RUNNING", "COMPLETED", "ERROR", "STOP", "DELETING"],
  RUNNING: ["PENDING", "COMPLETED", "ERROR", "STOP", "DELETING"],
  STOP: ["STOPPED", "ERROR", "DELETING"],
  STOPPED: ["RESUME", "ERROR", "DELETING"],
  RESUME: ["RUNNING", "PENDING", "ERROR", "DELETING"],
  ERROR: ["DELETING"],
  COMPLETED: ["DELETING"],
  DELETING: ["DELETED", "ERROR"],
  DELETED: [],
};

/** States in which an executor has something alive to look at. */
export const ACTIVE_STATES: ReadonlySet<RunState> = new Set([
  "READY",
  "PENDING",
  "RUNNING",
  "STOP",
  "RESUME",
  "DELETING",
]);

export function canTransition(from: RunState, to: RunState): boolean {
  return from === to || RUN_TRANSITIONS[from].includes(to);
}

export function assertTransition(run: Pick<RunEntity, "id">, from: RunState, to: RunState): void {
  if (!canTransition(from, to)) throw new InvalidTransitionError(run.id, from, to, RUN_TRANSITIONS[from]);
}

/**
 * Applies an update to a run: checks the transition, records it in `status.transitions` (newest first),
 * merges message, service and extra keys (`null` removes). Pure: returns a new entity.
 */
export function applyStatusUpdate(run: RunEntity, update: StatusUpdate, now: Date = new Date()): RunEntity {
  const from = run.status.state;
  const to = update.state ?? from;
  assertTransition(run, from, to);
  const status: RunStatus = { ...run.status, state: to };
  for (const [key, value] of Object.entries(update.extra ?? {})) {
    if (key === "state" || key === "transitions") continue;
    if (value === null) delete status[key];
    else status[key] = value;
  }
  if (update.message === null) delete status.message;
  else if (update.message !== undefined) status.message = update.message;
  if (update.service === null) delete status.service;
  else if (update.service !== undefined) status.service = update.service;
  const time = now.toISOString();
  if (to !== from) {
    const transition = update.message ? { status: to, message: update.message, time } : { status: to, time };
    status.transitions = [transition, ...(run.status.transitions ?? [])];
  }
  return { ...run, status, metadata: { ...run.metadata, updated: time } };
}
