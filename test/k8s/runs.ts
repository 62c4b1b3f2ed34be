import type { FunctionKind, RunEntity, RunSpec } from "../../src/sdk/types.js";

/**
 * A run entity as the SDK hands it to an executor after BUILT (function < task < run fields merged).
 * `id` is fixed by the caller so names in golden manifests are stable.
 */
export function makeRun(kind: FunctionKind, id: string, spec: Partial<RunSpec>, project = "demo"): RunEntity {
  const fn =
    spec.function ??
    `${kind}://${project}/${kind.replace("kubeai-", "")}-fn:f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0`;
  return {
    kind: `${kind}+serve:run`,
    id,
    name: id,
    project,
    key: `store://${project}/run/${kind}+serve:run/${id}`,
    metadata: { project, name: id, created: "2026-01-01T00:00:00Z", updated: "2026-01-01T00:00:00Z" },
    spec: {
      task: `${kind}+serve://${project}/a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1`,
      local_execution: false,
      service_type: "NodePort",
      ...spec,
      function: fn,
    },
    status: { state: "BUILT", metrics: {} },
  };
}
