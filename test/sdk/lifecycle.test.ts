import { describe, expect, it } from "vitest";
import { InvalidTransitionError } from "../../src/sdk/errors.js";
import { applyStatusUpdate, canTransition, RUN_TRANSITIONS } from "../../src/sdk/lifecycle.js";
import { RUN_STATES, type RunEntity, type RunState } from "../../src/sdk/types.js";

function runIn(state: RunState): RunEntity {
  return {
    kind: "sklearnserve+serve:run",
    metadata: {
      project: "p",
      name: "r",
      created: "2026-01-01T00:00:00.000Z",
      updated: "2026-01-01T00:00:00.000Z",
    },
    spec: { task: "t", function: "f", local_execution: false },
    status: { state, metrics: {} },
    key: "store://p/run/sklearnserve+serve:run/r",
    project: "p",
    id: "r",
    name: "r",
  };
}

/** The Core FSM (reference §4.2) plus PENDING→STOP, RUNNING→PENDING, RESUME→PENDING. */
const EXPECTED: Record<RunState, RunState[]> = {
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

describe("run state machine", () => {
  const pairs = RUN_STATES.flatMap((from) => RUN_STATES.map((to) => [from, to] as const));

  it.each(pairs)("%s → %s", (from, to) => {
    const allowed = from === to || EXPECTED[from].includes(to);
    expect(canTransition(from, to)).toBe(allowed);
    if (allowed) {
      expect(applyStatusUpdate(runIn(from), { state: to }).status.state).toBe(to);
    } else {
      let error: unknown;
      try {
        applyStatusUpdate(runIn(from), { state: to });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidTransitionError);
      expect((error as InvalidTransitionError).code).toBe("INVALID_TRANSITION");
      expect((error as Error).message).toContain(`from ${from} to ${to}`);
    }
  });

  it("the table is the documented one", () => {
    expect(RUN_TRANSITIONS).toEqual(EXPECTED);
  });
});

describe("status updates", () => {
  it("records transitions newest first, with their message", () => {
    const t1 = new Date("2026-01-01T00:00:01.000Z");
    const t2 = new Date("2026-01-01T00:00:02.000Z");
    const built = applyStatusUpdate(runIn("CREATED"), { state: "BUILT" }, t1);
    const ready = applyStatusUpdate(built, { state: "READY", message: "deploying" }, t2);
    expect(ready.status.transitions).toEqual([
      { status: "READY", message: "deploying", time: t2.toISOString() },
      { status: "BUILT", time: t1.toISOString() },
    ]);
    expect(ready.metadata.updated).toBe(t2.toISOString());
  });

  it("an update in the same state merges without a transition", () => {
    const running = applyStatusUpdate(runIn("PENDING"), { state: "RUNNING" });
    const again = applyStatusUpdate(running, { state: "RUNNING", service: { url: "127.0.0.1:8080" } });
    expect(again.status.transitions).toHaveLength(1);
    expect(again.status.service).toEqual({ url: "127.0.0.1:8080" });
  });

  it("keeps unknown status keys, and null removes keys", () => {
    const withExtra = applyStatusUpdate(runIn("RUNNING"), {
      message: "ok",
      service: { url: "h:1" },
      extra: { inference_v2: { baseUrl: "h:1" }, pid: 42 },
    });
    expect(withExtra.status).toMatchObject({ message: "ok", service: { url: "h:1" }, pid: 42 });
    const cleared = applyStatusUpdate(withExtra, {
      state: "STOP",
      message: null,
      service: null,
      extra: { pid: null },
    });
    expect(cleared.status).not.toHaveProperty("message");
    expect(cleared.status).not.toHaveProperty("service");
    expect(cleared.status).not.toHaveProperty("pid");
    expect(cleared.status.inference_v2).toEqual({ baseUrl: "h:1" });
  });

  it("does not let extra keys overwrite the state or the transitions", () => {
    const run = applyStatusUpdate(runIn("RUNNING"), { extra: { state: "DELETED", transitions: [] } });
    expect(run.status.state).toBe("RUNNING");
    expect(run.status.transitions).toBeUndefined();
  });
});
