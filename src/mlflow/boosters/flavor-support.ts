import { join } from "node:path";
import { ErrorCodes, ModelserveError } from "../../errors.js";
import { ParamsError, UnsupportedFlavorError } from "../errors.js";
import type { FlavorContext } from "../flavors/flavor.js";
import { PREDICT_METHOD, type PyfuncParams } from "../pyfunc.js";

/** What the xgboost and lightgbm flavors share: finding the model file and choosing the method. */

/** The flavor section's `data`: the model file inside the model folder. */
export function boosterFile(context: FlavorContext, flavor: string): string {
  const file = context.conf.data;
  if (typeof file !== "string" || file === "" || file.split(/[\\/]/).includes("..")) {
    throw new ModelserveError(
      ErrorCodes.MODEL_LOAD_FAILED,
      `${context.dir}: the ${flavor} flavor's 'data' must name the model file inside the folder, got ${JSON.stringify(file)}`,
    );
  }
  return join(context.dir, file);
}

/** The method a request asks for (`predict_method`), else the model's default method. */
export function requestedMethod<M extends string>(
  offered: ReadonlySet<M>,
  params: PyfuncParams | undefined,
  fallback: M,
  what: string,
): M {
  const requested = params?.[PREDICT_METHOD];
  if (requested === undefined) return fallback;
  if (typeof requested !== "string" || !offered.has(requested as M)) {
    throw new ParamsError(
      PREDICT_METHOD,
      `${what} has no method ${JSON.stringify(requested)}; it offers ${[...offered].join(", ")}`,
    );
  }
  return requested as M;
}

/** The model's default method: the model setting `predict_method`, else `predict`; checked at load. */
export function defaultMethod<M extends string>(
  offered: ReadonlySet<M>,
  context: FlavorContext,
  what: string,
): M {
  const setting = context.options?.[PREDICT_METHOD] ?? "predict";
  if (typeof setting !== "string" || !offered.has(setting as M)) {
    throw new UnsupportedFlavorError(
      `${context.dir}: the model setting ${PREDICT_METHOD} is ${JSON.stringify(setting)}, but ${what} offers ${[...offered].join(", ")}`,
    );
  }
  return setting as M;
}
