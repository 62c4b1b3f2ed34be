import type { NDArray } from "../../pickle/values.js";
import {
  EstimatorStateError,
  isNDArray,
  isPyObject,
  type Matrix,
  type State,
  toFloat64,
  toInt32,
  toMatrix,
} from "../common/index.js";
import { NeighborHeap } from "./heap.js";
import type { Metric } from "./metrics.js";

/**
 * k-nearest-neighbour search reproducing scikit-learn's choice of neighbours, ties included: the KD-tree and
 * ball-tree depth-first query over the pickled tree (same node order, same pruning), or the brute-force scan
 * in training order. Which candidate is offered first decides ties at the k-th distance.
 */

export interface Neighbors {
  /** true distances, row-major (queries × k), ascending per row */
  readonly dist: Float64Array;
  /** training-set indices, aligned with dist */
  readonly ind: Int32Array;
  readonly k: number;
}

export interface Searcher {
  kneighbors(X: Matrix, k: number): Neighbors;
}

interface TreeArrays {
  readonly data: Matrix;
  readonly idx: Int32Array;
  readonly idxStart: Int32Array;
  readonly idxEnd: Int32Array;
  readonly isLeaf: Int32Array;
  readonly radius: Float64Array;
  /** KD-tree: [lower bounds, upper bounds], ball tree: [centroids]; each n_nodes × n_features */
  readonly bounds: Float64Array;
  readonly nNodes: number;
}

function field(nodeData: NDArray, name: string, owner: string): NDArray {
  const f = nodeData.fields?.get(name);
  if (f === undefined) throw new EstimatorStateError(`${owner} tree node_data has no field '${name}'`);
  return f;
}

/** The arrays of a pickled KDTree/BallTree: its state is (data, idx_array, node_data, node_bounds, ...). */
function treeArrays(tree: unknown, owner: string): TreeArrays {
  const state = isPyObject(tree) ? tree.state : undefined;
  if (!Array.isArray(state) || state.length < 4 || !isNDArray(state[2])) {
    throw new EstimatorStateError(`${owner}._tree is not a pickled KDTree/BallTree state`);
  }
  const nodeData = state[2] as NDArray;
  const what = `${owner}._tree`;
  return {
    data: toMatrix(state[0], `${what}.data`),
    idx: toInt32(state[1], `${what}.idx_array`),
    idxStart: toInt32(field(nodeData, "idx_start", owner), `${what}.idx_start`),
    idxEnd: toInt32(field(nodeData, "idx_end", owner), `${what}.idx_end`),
    isLeaf: toInt32(field(nodeData, "is_leaf", owner), `${what}.is_leaf`),
    radius: toFloat64(field(nodeData, "radius", owner), `${what}.radius`),
    bounds: toFloat64(state[3], `${what}.node_bounds`),
    nNodes: nodeData.shape[0],
  };
}

function treeSearcher(t: TreeArrays, metric: Metric, kind: "kd_tree" | "ball_tree"): Searcher {
  const nf = t.data.cols;
  const data = t.data.data;
  const p = metric.p;

  // lower bound of the surrogate distance from pt to anything inside node i
  const minRdistKd = (i: number, pt: Float64Array, pi: number): number => {
    const lo = i * nf;
    const hi = (t.nNodes + i) * nf;
    let rdist = 0;
    for (let j = 0; j < nf; j++) {
      const dLo = t.bounds[lo + j] - pt[pi + j];
      const dHi = pt[pi + j] - t.bounds[hi + j];
      // x + |x| = 2·max(x, 0)
      const d = dLo + Math.abs(dLo) + (dHi + Math.abs(dHi));
      if (p === Number.POSITIVE_INFINITY) rdist = Math.max(rdist, 0.5 * d);
      else rdist += (0.5 * d) ** p;
    }
    return rdist;
  };
  const minRdistBall = (i: number, pt: Float64Array, pi: number): number => {
    const distPt = metric.rdistToDist(metric.rdist(pt, pi, t.bounds, i * nf, nf));
    return metric.distToRdist(Math.max(0, distPt - t.radius[i]));
  };
  const minRdist = kind === "kd_tree" ? minRdistKd : minRdistBall;

  const query = (node: number, pt: Float64Array, pi: number, heap: NeighborHeap, lb: number): void => {
    if (lb > heap.largest()) return;
    if (t.isLeaf[node]) {
      for (let i = t.idxStart[node]; i < t.idxEnd[node]; i++) {
        heap.push(metric.rdist(pt, pi, data, t.idx[i] * nf, nf), t.idx[i]);
      }
      return;
    }
    const c1 = 2 * node + 1;
    const c2 = c1 + 1;
    const lb1 = minRdist(c1, pt, pi);
    const lb2 = minRdist(c2, pt, pi);
    if (lb1 <= lb2) {
      query(c1, pt, pi, heap, lb1);
      query(c2, pt, pi, heap, lb2);
    } else {
      query(c2, pt, pi, heap, lb2);
      query(c1, pt, pi, heap, lb1);
    }
  };

  return {
    kneighbors(X, k) {
      return collect(X, k, metric, (heap, row) => {
        const pi = row * X.cols;
        query(0, X.data, pi, heap, minRdist(0, X.data, pi));
      });
    },
  };
}

function bruteSearcher(fitX: Matrix, metric: Metric): Searcher {
  return {
    kneighbors(X, k) {
      return collect(X, k, metric, (heap, row) => {
        for (let j = 0; j < fitX.rows; j++) {
          heap.push(metric.rdist(X.data, row * X.cols, fitX.data, j * fitX.cols, X.cols), j);
        }
      });
    },
  };
}

function collect(X: Matrix, k: number, metric: Metric, fill: (heap: NeighborHeap, row: number) => void) {
  const dist = new Float64Array(X.rows * k);
  const ind = new Int32Array(X.rows * k);
  for (let row = 0; row < X.rows; row++) {
    const heap = new NeighborHeap(k);
    fill(heap, row);
    const s = heap.sorted();
    for (let j = 0; j < k; j++) {
      dist[row * k + j] = metric.rdistToDist(s.dist[j]);
      ind[row * k + j] = s.ind[j];
    }
  }
  return { dist, ind, k };
}

/** The search a fitted model uses: its tree when `_fit_method` is kd_tree/ball_tree, else brute force. */
export function searcherFor(state: State, metric: Metric): Searcher {
  const method = state.string("_fit_method");
  if (method === "kd_tree" || method === "ball_tree") {
    return treeSearcher(treeArrays(state.get("_tree"), state.owner), metric, method);
  }
  if (method === "brute") return bruteSearcher(state.matrix("_fit_X"), metric);
  throw new EstimatorStateError(`${state.owner} has an unknown _fit_method '${method}'`);
}
