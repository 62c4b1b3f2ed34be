import { parseRef } from "../../sdk/keys.js";
import type { FunctionKind, RunEntity } from "../../sdk/types.js";
import { KubernetesSpecError } from "./errors.js";
import { dnsLabel, KUBEAI_MODEL_NAME_MAX, labelValue } from "./names.js";

/** Label keys; `modelserve/run` alone selects a run's pods (Deployment selectors are immutable). */
export const LABELS = {
  run: "modelserve/run",
  project: "modelserve/project",
  function: "modelserve/function",
  runtime: "modelserve/runtime",
  profile: "modelserve/profile",
} as const;

/** Everything that names and labels one run's objects. */
export interface RunIdentity {
  kind: FunctionKind;
  project: string;
  functionName: string;
  runId: string;
  /** the model name the server registers: the function's `model_name`, else "model" */
  modelName: string;
  names: {
    root: string;
    deployment: string;
    container: string;
    service: string;
    secret: string;
    settings: string;
    /** the KubeAI Model (≤ 40 characters) */
    model: string;
    claim(volume: string): string;
    alias(serviceName: string): string;
  };
  labels: Record<string, string>;
  selector: Record<string, string>;
}

export function runIdentity(run: RunEntity): RunIdentity {
  const kind = run.kind.slice(0, run.kind.indexOf("+")) as FunctionKind;
  const ref = parseRef(run.spec.function);
  if (ref === undefined) {
    throw new KubernetesSpecError(
      `run ${run.id} has no valid function reference (spec.function = ${JSON.stringify(run.spec.function)}; expected <kind>://<project>/<name>:<id>)`,
    );
  }
  // As on the original platform: the task kind without "+", e.g. "sklearnserveserve".
  const task = `${kind}serve`.replace(/[^a-z0-9-]/g, "");
  const id = run.id;
  const modelName = run.spec.model_name || "model";
  const named = (prefix: string) => dnsLabel(`${prefix}-${task}-${id}`);
  const selector = { [LABELS.run]: labelValue(id) };
  return {
    kind,
    project: run.project,
    functionName: ref.name,
    runId: id,
    modelName,
    names: {
      root: named("run"),
      deployment: named("d"),
      container: named("c"),
      service: named("s"),
      secret: named("sec"),
      settings: named("cfg"),
      model: dnsLabel(`${modelName}-${id}`, KUBEAI_MODEL_NAME_MAX),
      claim: (volume) => dnsLabel(`v-${id}-${volume}`),
      alias: (serviceName) => dnsLabel(`${ref.name}-${serviceName}`),
    },
    labels: {
      "app.kubernetes.io/name": "modelserve",
      "app.kubernetes.io/managed-by": "modelserve",
      "app.kubernetes.io/instance": labelValue(`modelserve-${id}`),
      "app.kubernetes.io/component": labelValue(kind),
      [LABELS.project]: labelValue(run.project),
      [LABELS.function]: labelValue(ref.name),
      [LABELS.runtime]: labelValue(kind),
      ...selector,
    },
    selector,
  };
}
