import type { DType, NDArray, SparseMatrix } from "../../pickle/values.js";
import { singleColumn } from "../common/columns.js";
import { castFloat64, dtypeParam } from "../common/dtype_param.js";
import {
  EstimatorStateError,
  FLOAT64,
  INT64,
  InvalidInputError,
  isNDArray,
  type Matrix,
  matrixToArray,
  State,
  toFloat64,
  UnsupportedEstimatorError,
} from "../common/index.js";
import { memberEstimator } from "../common/meta.js";
import { type Estimator, type Input, type Method, registerClass } from "../estimator.js";
import { normalizeRows } from "../preprocessing/scalers.js";
import { registerFitted, registerTransformer } from "../preprocessing/transformer.js";
import { buildAnalyzer, documents } from "./analyzer.js";
import { murmurhash3Signed } from "./murmurhash.js";

function textEstimator(cls: string, owner: string, transform: (docs: string[]) => NDArray): Estimator {
  return {
    cls,
    methods: new Set<Method>(["transform"]),
    call(method: Method, X: Input): NDArray {
      if (method !== "transform")
        throw new InvalidInputError(`${owner} has no method ${method}; it supports: transform`);
      return transform(documents(singleColumn(X, owner, "text documents"), owner));
    },
  };
}

/** vocabulary_ (a dict term → column) as a Map. */
function vocabulary(s: State): Map<string, number> {
  const v = s.get("vocabulary_");
  if (!(v instanceof Map)) throw new EstimatorStateError(`${s.owner}.vocabulary_ must be a dict`);
  const out = new Map<string, number>();
  for (const [k, j] of v) out.set(String(k), Number(j));
  return out;
}

/** The vectorizer's `dtype=` (float64 when a float output is needed and it names another kind). */
function outputDType(s: State, fallback: DType, floatOnly: boolean): DType {
  const dtype = dtypeParam(s.opt("dtype"), s.owner, fallback);
  // scikit-learn warns and computes in float64 when tf-idf or a norm meets a non-float dtype
  return floatOnly && dtype.kind !== "f" ? FLOAT64 : dtype;
}

/** CountVectorizer.transform: term counts over the fitted vocabulary (dense). */
function countVectorizer(s: State): (docs: string[]) => Matrix {
  const analyze = buildAnalyzer(s);
  const vocab = vocabulary(s);
  const width = Math.max(-1, ...vocab.values()) + 1;
  const binary = s.boolean("binary");
  return (docs) => {
    const out = new Float64Array(docs.length * width);
    docs.forEach((doc, i) => {
      for (const term of analyze(doc)) {
        const j = vocab.get(term);
        if (j === undefined) continue;
        const at = i * width + j;
        out[at] = binary ? 1 : out[at] + 1;
      }
    });
    return { rows: docs.length, cols: width, data: out };
  };
}

registerFitted("CountVectorizer", (obj) => {
  const s = new State(obj);
  const counts = countVectorizer(s);
  const dtype = outputDType(s, INT64, false);
  return textEstimator(obj.cls, "CountVectorizer", (docs) => {
    const m = counts(docs);
    return castFloat64(m.data, dtype, [m.rows, m.cols]);
  });
});

registerFitted("TfidfVectorizer", (obj) => {
  const s = new State(obj);
  const counts = countVectorizer(s);
  const tfidf = memberEstimator(s.get("_tfidf"), "TfidfVectorizer._tfidf");
  const dtype = outputDType(s, FLOAT64, true);
  return textEstimator(obj.cls, "TfidfVectorizer", (docs) => {
    const weighted = tfidf.call("transform", matrixToArray(counts(docs)));
    return castFloat64(weighted.data as Float64Array, dtype, weighted.shape);
  });
});

function isSparse(v: unknown): v is SparseMatrix {
  return typeof v === "object" && v !== null && "sparse" in v;
}

/** idf_ (scikit-learn >= 1.5 stores it) or the diagonal of _idf_diag (a scipy.sparse dia matrix before). */
function idfOf(s: State): Float64Array | undefined {
  if (!s.boolean("use_idf")) return undefined;
  if (s.has("idf_") && isNDArray(s.get("idf_"))) return s.f64("idf_");
  const diag = s.get("_idf_diag");
  if (isSparse(diag) && diag.sparse === "dia") {
    const offsets = toFloat64(diag.offsets, "TfidfTransformer._idf_diag.offsets");
    const data = toFloat64(diag.data, "TfidfTransformer._idf_diag.data");
    const n = diag.shape[1];
    const k = offsets.indexOf(0);
    if (k < 0) throw new EstimatorStateError("TfidfTransformer._idf_diag has no main diagonal");
    return data.slice(k * diag.data.shape[1], k * diag.data.shape[1] + n);
  }
  if (isSparse(diag) && (diag.sparse === "csr" || diag.sparse === "csc")) {
    const n = diag.shape[0];
    const out = new Float64Array(n);
    const data = toFloat64(diag.data, "_idf_diag.data");
    const idx = toFloat64(diag.indices, "_idf_diag.indices");
    const ptr = toFloat64(diag.indptr, "_idf_diag.indptr");
    for (let r = 0; r < n; r++) for (let p = ptr[r]; p < ptr[r + 1]; p++) if (idx[p] === r) out[r] = data[p];
    return out;
  }
  throw new EstimatorStateError(
    "TfidfTransformer has use_idf=True but neither idf_ nor _idf_diag in its pickle",
  );
}

registerTransformer("TfidfTransformer", (s) => {
  const idf = idfOf(s);
  const sublinear = s.boolean("sublinear_tf");
  const norm = s.opt("norm");
  if (norm !== undefined && norm !== "l1" && norm !== "l2") {
    throw new UnsupportedEstimatorError(`TfidfTransformer(norm=${JSON.stringify(norm)}) is not supported`);
  }
  return {
    transform: (X) => {
      if (idf !== undefined && X.cols !== idf.length) {
        throw new InvalidInputError(
          `X has ${X.cols} features, but TfidfTransformer is expecting ${idf.length} features as input`,
        );
      }
      const out = new Float64Array(X.data.length);
      for (let i = 0; i < out.length; i++) {
        let v = X.data[i];
        // scikit-learn changes only the stored (non-zero) entries of its sparse matrix
        if (sublinear && v !== 0) v = Math.log(v) + 1;
        out[i] = idf === undefined ? v : v * idf[i % X.cols];
      }
      const m = { rows: X.rows, cols: X.cols, data: out };
      return norm === undefined ? m : normalizeRows(m, norm as string);
    },
  };
});

registerClass("HashingVectorizer", (obj) => {
  const s = new State(obj);
  const analyze = buildAnalyzer(s);
  const n = s.number("n_features");
  const alternate = s.boolean("alternate_sign");
  const binary = s.boolean("binary");
  const norm = s.opt("norm");
  if (norm !== undefined && norm !== "l1" && norm !== "l2") {
    throw new UnsupportedEstimatorError(`HashingVectorizer(norm=${JSON.stringify(norm)}) is not supported`);
  }
  const dtype = outputDType(s, FLOAT64, norm !== undefined);
  const utf8 = new TextEncoder();
  return textEstimator(obj.cls, "HashingVectorizer", (docs) => {
    const out = new Float64Array(docs.length * n);
    const touched = new Uint8Array(docs.length * n);
    docs.forEach((doc, i) => {
      for (const term of analyze(doc)) {
        const h = murmurhash3Signed(utf8.encode(term), 0);
        const j = h === -2147483648 ? (2147483647 - (n - 1)) % n : Math.abs(h) % n;
        out[i * n + j] += alternate && h < 0 ? -1 : 1;
        touched[i * n + j] = 1;
      }
    });
    // binary sets every stored entry to 1, even one whose signed hits cancelled to 0
    if (binary) for (let k = 0; k < out.length; k++) if (touched[k]) out[k] = 1;
    const m = { rows: docs.length, cols: n, data: out };
    const res = norm === undefined ? m : normalizeRows(m, norm as string);
    return castFloat64(res.data, dtype, [res.rows, res.cols]);
  });
});
