import type { PyfuncModel } from "../../../mlflow/pyfunc.js";
import type { DataPlane } from "../../dataplane.js";
import { ModelNotReadyError } from "../../errors.js";
import type { ModelEntry } from "../../model-registry.js";
import { AmbiguousMlflowModelError, NoMlflowModelError, NotAnMlflowModelError } from "./errors.js";

/**
 * Which model `/invocations` serves: `mlflow models serve` has one; a modelserve server may hold several
 * models of several runtimes. The only ready MLflow model (one whose runtime gives a pyfunc) answers;
 * with several, `?model=<name>` (and optionally `&version=`) must pick one.
 */

export interface ModelQuery {
  model?: string;
  version?: string;
}

function pyfuncNames(dataplane: DataPlane): string[] {
  const names = new Set<string>();
  for (const entry of dataplane.registry.entries()) {
    if (entry.state === "READY" && entry.model?.pyfunc !== undefined) names.add(entry.name);
  }
  return [...names].sort();
}

/** Why each model without a ready pyfunc does not answer /invocations. */
function whyNot(entry: ModelEntry): string {
  if (entry.state !== "READY")
    return `${entry.name} (${entry.state}${entry.reason ? `: ${entry.reason}` : ""})`;
  const s = entry.settings;
  // the model lives in worker threads, which serve V2 only
  if ((s.parallel_workers ?? 0) > 0) {
    return `${entry.name} (served through parallel_workers, which serve V2 only)`;
  }
  return `${entry.name} (${s.implementation}, not an MLflow model)`;
}

/** The pyfunc /invocations serves: the one named by the query, or the server's only MLflow model. */
export function chooseModel(
  dataplane: DataPlane,
  query: ModelQuery,
): { name: string; version: string | undefined; pyfunc: PyfuncModel } {
  let name = query.model;
  if (name === undefined || name === "") {
    const names = pyfuncNames(dataplane);
    if (names.length === 0) {
      const entries = dataplane.registry.entries();
      const loading = entries.find((e) => e.state === "LOADING");
      // a model still loading may be the MLflow one: come back later (503), not "none here" (404)
      if (loading !== undefined) throw new ModelNotReadyError(loading.name, loading.version, loading.state);
      throw new NoMlflowModelError(entries.map(whyNot));
    }
    if (names.length > 1) throw new AmbiguousMlflowModelError(names);
    name = names[0];
  }
  const entry = dataplane.modelEntry(name, query.version || undefined);
  if (entry.state !== "READY" || entry.model === undefined) {
    throw new ModelNotReadyError(name, entry.version, entry.state, entry.reason);
  }
  if (entry.model.pyfunc === undefined) throw new NotAnMlflowModelError(name, pyfuncNames(dataplane));
  return { name, version: entry.version, pyfunc: entry.model.pyfunc };
}
