import type { DType, NDArray } from "../../pickle/values.js";
import { OBJECT_DTYPE } from "../common/columns.js";
import { EstimatorStateError, FLOAT64, InvalidInputError, State } from "../common/index.js";
import { memberEstimator } from "../common/meta.js";
import type { Estimator, Input, Method } from "../estimator.js";
import { registerFitted } from "../preprocessing/transformer.js";

/** numpy's result dtype of stacking the members' predictions column by column. */
function stackedDType(parts: readonly NDArray[]): DType {
  const kinds = new Set(parts.map((p) => p.dtype.kind));
  if (kinds.size === 1 && parts.every((p) => p.dtype.str === parts[0].dtype.str)) return parts[0].dtype;
  if ([...kinds].every((k) => k === "U")) {
    const chars = Math.max(...parts.map((p) => p.dtype.itemsize / 4));
    return { kind: "U", itemsize: chars * 4, byteorder: "<", str: `<U${chars}` };
  }
  if ([...kinds].every((k) => k === "f" || k === "i" || k === "u" || k === "b")) return FLOAT64;
  return OBJECT_DTYPE;
}

function multiOutput(name: string) {
  registerFitted(name, (obj): Estimator => {
    const s = new State(obj);
    const list = s.get("estimators_");
    if (!Array.isArray(list)) throw new EstimatorStateError(`${name}.estimators_ must be a list`);
    const members = list.map((e, i) => memberEstimator(e, `${name}.estimators_[${i}]`));
    return {
      cls: obj.cls,
      methods: new Set<Method>(["predict"]),
      nFeaturesIn: s.has("n_features_in_") ? s.number("n_features_in_") : undefined,
      call(method: Method, X: Input): NDArray {
        if (method !== "predict") {
          throw new InvalidInputError(
            `${name} serves predict only (its predict_proba is a list of arrays, one per output)`,
          );
        }
        const parts = members.map((m) => m.call("predict", X));
        const rows = parts[0].shape[0];
        const k = parts.length;
        const dtype = stackedDType(parts);
        const numeric = dtype.kind !== "U" && dtype.kind !== "O";
        const out: unknown[] | Float64Array =
          numeric && dtype === FLOAT64 ? new Float64Array(rows * k) : new Array<unknown>(rows * k);
        parts.forEach((p, j) => {
          const src = p.data as ArrayLike<unknown>;
          for (let i = 0; i < rows; i++) {
            const v = src[i];
            out[i * k + j] = out instanceof Float64Array ? Number(v) : dtype.kind === "U" ? String(v) : v;
          }
        });
        if (!(out instanceof Float64Array) && numeric) {
          // members agree on an integer or bool dtype: keep it
          const typed = new (
            parts[0].data.constructor as new (
              n: number,
            ) => ArrayLike<unknown> & { [i: number]: unknown }
          )(rows * k);
          for (let i = 0; i < out.length; i++) typed[i] = out[i];
          return { dtype, shape: [rows, k], data: typed as NDArray["data"] };
        }
        return { dtype, shape: [rows, k], data: out };
      },
    };
  });
}

multiOutput("MultiOutputClassifier");
multiOutput("MultiOutputRegressor");
