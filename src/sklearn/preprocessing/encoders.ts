import { isMissing, singleColumn } from "../common/columns.js";
import { isNDArray } from "../common/convert.js";
import { castFloat64, dtypeParam } from "../common/dtype_param.js";
import {
  EstimatorStateError,
  FLOAT64,
  InvalidInputError,
  int64Array,
  State,
  toInt32,
  UnsupportedEstimatorError,
} from "../common/index.js";
import type { Estimator, Input, Method } from "../estimator.js";
import { categoriesOf, encodeColumns, FeatureCategories } from "./categories.js";
import { registerColumnTransformer } from "./column_estimator.js";
import { registerFitted } from "./transformer.js";

/** A per-feature list whose entries are an int array or None (`_infrequent_indices`, drop indices...). */
function perFeature(v: unknown, n: number, what: string): (Int32Array | undefined)[] {
  if (v === null || v === undefined) return new Array(n).fill(undefined);
  const items = isNDArray(v) ? Array.from(v.data as ArrayLike<unknown>) : Array.isArray(v) ? v : undefined;
  if (items === undefined || items.length !== n)
    throw new EstimatorStateError(`${what} must have one entry per feature`);
  return items.map((x, i) => (x === null || x === undefined ? undefined : toInt32(x, `${what}[${i}]`)));
}

registerColumnTransformer("OneHotEncoder", (s) => {
  const cats = categoriesOf(s.get("categories_"), "OneHotEncoder");
  const n = cats.length;
  const handleUnknown = s.stringOr("handle_unknown", "error");
  const infrequentEnabled = s.has("_infrequent_enabled") && s.boolean("_infrequent_enabled");
  const infrequentIdx = infrequentEnabled
    ? perFeature(s.opt("_infrequent_indices"), n, "OneHotEncoder._infrequent_indices")
    : new Array(n).fill(undefined);
  const mappings = infrequentEnabled
    ? perFeature(s.opt("_default_to_infrequent_mappings"), n, "OneHotEncoder._default_to_infrequent_mappings")
    : new Array(n).fill(undefined);
  const dropKey = s.map.has("_drop_idx_after_grouping") ? "_drop_idx_after_grouping" : "drop_idx_";
  const drop = perFeature(s.opt(dropKey), n, `OneHotEncoder.${dropKey}`).map((d) => d?.[0]);
  const outs = s.has("_n_features_outs")
    ? Array.from(toInt32(s.get("_n_features_outs"), "OneHotEncoder._n_features_outs"))
    : cats.map((c, j) => c.length - (drop[j] === undefined ? 0 : 1));
  const offsets = [0];
  for (const o of outs) offsets.push(offsets[offsets.length - 1] + o);
  const width = offsets[n];
  const dtype = dtypeParam(s.opt("dtype"), s.owner, FLOAT64);
  return (cols) => {
    const { codes, known } = encodeColumns(cols.columns, cats, {
      owner: "OneHotEncoder",
      errorOnUnknown: handleUnknown === "error",
      names: cols.names,
    });
    const rows = cols.rows;
    const out = new Float64Array(rows * width);
    for (let j = 0; j < n; j++) {
      const c = codes[j];
      const k = known[j];
      const inf = infrequentIdx[j];
      const map = mappings[j];
      for (let i = 0; i < rows; i++) {
        let code = c[i];
        let ok = k[i] === 1;
        if (inf !== undefined) {
          if (!ok) code = inf[0];
          // infrequent_if_exist turns unknown values into the infrequent category
          if (handleUnknown === "infrequent_if_exist") ok = true;
        }
        if (map !== undefined) code = map[code];
        const d = drop[j];
        if (d !== undefined) {
          if (code === d) ok = false;
          else if (code > d) code -= 1;
        }
        if (ok) out[i * width + offsets[j] + code] = 1;
      }
    }
    return castFloat64(out, dtype, [rows, width]);
  };
});

registerColumnTransformer("OrdinalEncoder", (s) => {
  const cats = categoriesOf(s.get("categories_"), "OrdinalEncoder");
  if (s.has("_infrequent_enabled") && s.boolean("_infrequent_enabled")) {
    throw new UnsupportedEstimatorError(
      "OrdinalEncoder with min_frequency/max_categories is not supported yet",
    );
  }
  const handleUnknown = s.stringOr("handle_unknown", "error");
  const unknownValue = handleUnknown === "use_encoded_value" ? s.number("unknown_value") : Number.NaN;
  const encodedMissing = s.has("encoded_missing_value") ? s.number("encoded_missing_value") : Number.NaN;
  const missingIdx = cats.map((c) => (s.map.has("_missing_indices") ? c.missingIndex() : -1));
  const dtype = dtypeParam(s.opt("dtype"), s.owner, FLOAT64);
  return (cols) => {
    const { codes, known } = encodeColumns(cols.columns, cats, {
      owner: "OrdinalEncoder",
      errorOnUnknown: handleUnknown === "error",
      names: cols.names,
    });
    const n = cats.length;
    const rows = cols.rows;
    const out = new Float64Array(rows * n);
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < rows; i++) {
        let v: number = codes[j][i];
        if (missingIdx[j] >= 0 && v === missingIdx[j]) v = encodedMissing;
        if (known[j][i] === 0) v = unknownValue;
        out[i * n + j] = v;
      }
    }
    return castFloat64(out, dtype, [rows, n]);
  };
});

/** LabelEncoder: class labels (strings, numbers) to their index in `classes_`; an unseen label is an error. */
registerFitted("LabelEncoder", (obj): Estimator => {
  const s = new State(obj);
  const classes = new FeatureCategories(s.get("classes_"), "LabelEncoder.classes_");
  return {
    cls: obj.cls,
    methods: new Set<Method>(["transform"]),
    call(method: Method, X: Input) {
      if (method !== "transform")
        throw new InvalidInputError(`LabelEncoder has no method ${method}; it supports: transform`);
      const y = singleColumn(X, "LabelEncoder", "labels");
      const codes = y.map((v) => classes.of(v));
      const unseen = y.filter((_, i) => codes[i] < 0 && !isMissing(y[i]));
      if (codes.some((c) => c < 0)) {
        throw new InvalidInputError(
          `y contains previously unseen labels: ${JSON.stringify(unseen.slice(0, 10))}; known labels: ${JSON.stringify(classes.values.slice(0, 20))}`,
        );
      }
      return int64Array(codes);
    },
  };
});
