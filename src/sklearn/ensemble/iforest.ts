import type { PyObject } from "../../pickle/values.js";
import {
  EstimatorStateError,
  float64Array,
  int64Array,
  type Matrix,
  numericEstimator,
  State,
} from "../common/index.js";
import { atLeast, pickledVersion, unfittedEstimator } from "../common/meta.js";
import { type Estimator, registerClass } from "../estimator.js";
import { onRows } from "../tree/classes.js";
import { bagMembers } from "./bagging.js";

/**
 * IsolationForest: the anomaly score of a row is 2^(−mean path length / c(max_samples)), where a path
 * length is the leaf's depth + 1 plus c(samples left in the leaf) − 1, and c(n) the average path length
 * of an unsuccessful binary-search-tree lookup. Path terms are precomputed per node at load.
 */

const EULER_GAMMA = 0.5772156649015329;

/** scikit-learn's `_average_path_length` for one sample count. */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2.0 * (Math.log(n - 1.0) + EULER_GAMMA) - (2.0 * (n - 1.0)) / n;
}

function buildIsolationForest(obj: PyObject): Estimator {
  const state = new State(obj);
  if (!state.has("estimators_")) return unfittedEstimator(obj);
  const forest = bagMembers(state).map((m, i) => {
    if (m.tree === undefined) throw new EstimatorStateError(`${state.owner}.estimators_[${i}] is not a tree`);
    const { tree } = m.tree;
    const depth = tree.depths();
    // per node: (nodes on the path from the root) + c(n_node_samples) - 1.0, in scikit-learn's order
    const term = new Float64Array(tree.nodeCount);
    for (let n = 0; n < tree.nodeCount; n++)
      term[n] = depth[n] + 1 + averagePathLength(tree.nNodeSamples[n]) - 1.0;
    return { tree, term };
  });
  const denominator = forest.length * averagePathLength(state.number("_max_samples"));
  const offset = state.number("offset_");

  const scoreSamples = (X: Matrix): Float64Array => {
    const depths = new Float64Array(X.rows);
    const leaf = new Int32Array(X.rows);
    onRows(X, (input) => {
      for (const { tree, term } of forest) {
        tree.leaves(input, leaf);
        for (let i = 0; i < X.rows; i++) depths[i] += term[leaf[i]];
      }
    });
    return depths.map((d) => -(2 ** -(denominator !== 0 ? d / denominator : 1)));
  };
  const decision = (X: Matrix) => scoreSamples(X).map((s) => s - offset);
  return numericEstimator(obj, state, {
    // NaN is refused up to 1.5 and routed in 1.9 (releases in between are not verified: refused)
    allowNaN:
      atLeast(pickledVersion(state.map), 1, 9) && forest.every((t) => t.tree.missingGoLeft !== undefined),
    methods: {
      score_samples: (X) => float64Array(scoreSamples(X)),
      decision_function: (X) => float64Array(decision(X)),
      predict: (X) => int64Array(Array.from(decision(X), (d) => (d < 0 ? -1 : 1))),
    },
  });
}

registerClass("IsolationForest", buildIsolationForest);
