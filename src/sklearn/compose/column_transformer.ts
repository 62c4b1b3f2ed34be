import type { NDArray } from "../../pickle/values.js";
import { isTable } from "../common/columns.js";
import {
  EstimatorStateError,
  featureNamesIn,
  InvalidInputError,
  registerDataClass,
  State,
} from "../common/index.js";
import { memberEstimator } from "../common/meta.js";
import type { Estimator, Input, Method } from "../estimator.js";
import { identityTransform } from "../preprocessing/function_transformer.js";
import { registerFitted } from "../preprocessing/transformer.js";
import { hstack } from "./hstack.js";
import { resolveSelection, rowsOf, type Selection, selectInput } from "./select.js";

// make_column_selector is resolved at fit time into ColumnTransformer._columns; the object itself is only data.
registerDataClass("make_column_selector");
registerDataClass("_RemainderColsList");

interface Part {
  readonly name: string;
  readonly selection: Selection;
  readonly transform: (X: Input) => NDArray;
}

function partTransform(trans: unknown, what: string): ((X: Input) => NDArray) | undefined {
  if (trans === "drop") return undefined;
  if (trans === "passthrough") return identityTransform;
  const est = memberEstimator(trans, what);
  return (X) => est.call("transform", X);
}

function tuple3(v: unknown, what: string): [string, unknown, unknown] {
  if (!Array.isArray(v) || v.length < 3 || typeof v[0] !== "string") {
    throw new EstimatorStateError(`${what} must be a (name, transformer, columns) tuple`);
  }
  return [v[0], v[1], v[2]];
}

registerFitted("ColumnTransformer", (obj): Estimator => {
  const s = new State(obj);
  const names = featureNamesIn(s);
  const nFeatures = s.has("n_features_in_") ? s.number("n_features_in_") : s.number("_n_features");
  const fitted = s.get("transformers_");
  const resolved = s.get("_columns");
  if (!Array.isArray(fitted) || !Array.isArray(resolved)) {
    throw new EstimatorStateError("ColumnTransformer.transformers_ and _columns must be lists");
  }
  const weightsMap = s.opt("transformer_weights");
  const weightOf = (name: string) =>
    weightsMap instanceof Map && typeof weightsMap.get(name) === "number"
      ? (weightsMap.get(name) as number)
      : 1;
  const parts: Part[] = [];
  fitted.forEach((entry, i) => {
    const [name, trans, columns] = tuple3(entry, `ColumnTransformer.transformers_[${i}]`);
    const spec = i < resolved.length ? resolved[i] : columns;
    const selection = resolveSelection(spec, nFeatures, names, `ColumnTransformer transformer '${name}'`);
    if (selection.indices.length === 0) return;
    const transform = partTransform(trans, `ColumnTransformer transformer '${name}'`);
    if (transform !== undefined) parts.push({ name, selection, transform });
  });
  const weights = parts.map((p) => weightOf(p.name));
  return {
    cls: obj.cls,
    methods: new Set<Method>(["transform"]),
    nFeaturesIn: nFeatures,
    featureNamesIn: names,
    call(method: Method, X: Input): NDArray {
      if (method !== "transform")
        throw new InvalidInputError(`ColumnTransformer has no method ${method}; it supports: transform`);
      // fitted on a DataFrame and given a table, columns are taken by name: scikit-learn then requires
      // only the columns its transformers use (a dropped one may be absent), and selectInput names them
      const byName = isTable(X) && names !== undefined;
      const width = isTable(X) ? X.columns.length : X.shape[1];
      if (!byName && width < nFeatures) {
        throw new InvalidInputError(
          `X has ${width} features, but ColumnTransformer is expecting ${nFeatures} features as input`,
        );
      }
      const rows = rowsOf(X);
      const blocks = parts.map((p) => {
        const sub = selectInput(X, p.selection, "ColumnTransformer");
        return p.transform(sub);
      });
      return hstack(blocks, rows, weights);
    },
  };
});
