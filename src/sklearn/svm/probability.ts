/**
 * libsvm's probability estimates for SVC/NuSVC (probability=True): Platt's sigmoid on each pairwise
 * decision value, then Wu, Lin & Weng's pairwise coupling (method 2), step for step as libsvm does it.
 */

/** Platt's sigmoid 1 / (1 + exp(A·f + B)), in the form that avoids cancellation. */
export function sigmoidPredict(decision: number, A: number, B: number): number {
  const fApB = decision * A + B;
  if (fApB >= 0) return Math.exp(-fApB) / (1.0 + Math.exp(-fApB));
  return 1.0 / (1 + Math.exp(fApB));
}

/**
 * Class probabilities `p` (length k) from the pairwise probabilities r[i][j] ≈ P(i | i or j), by libsvm's
 * fixed-point iteration on the quadratic problem min ½ pᵀQp (stops when the optimality gap is < 0.005/k).
 */
export function multiclassProbability(k: number, r: Float64Array[], p: Float64Array): void {
  const maxIter = Math.max(100, k);
  const Q = Array.from({ length: k }, () => new Float64Array(k));
  const Qp = new Float64Array(k);
  const eps = 0.005 / k;
  for (let t = 0; t < k; t++) {
    p[t] = 1.0 / k;
    Q[t][t] = 0;
    for (let j = 0; j < t; j++) {
      Q[t][t] += r[j][t] * r[j][t];
      Q[t][j] = Q[j][t];
    }
    for (let j = t + 1; j < k; j++) {
      Q[t][t] += r[j][t] * r[j][t];
      Q[t][j] = -r[j][t] * r[t][j];
    }
  }
  for (let iter = 0; iter < maxIter; iter++) {
    // recompute Qp and pQp from scratch each round, for accuracy
    let pQp = 0;
    for (let t = 0; t < k; t++) {
      Qp[t] = 0;
      for (let j = 0; j < k; j++) Qp[t] += Q[t][j] * p[j];
      pQp += p[t] * Qp[t];
    }
    let maxError = 0;
    for (let t = 0; t < k; t++) {
      const error = Math.abs(Qp[t] - pQp);
      if (error > maxError) maxError = error;
    }
    if (maxError < eps) break;
    for (let t = 0; t < k; t++) {
      const diff = (-Qp[t] + pQp) / Q[t][t];
      p[t] += diff;
      pQp = (pQp + diff * (diff * Q[t][t] + 2 * Qp[t])) / (1 + diff) / (1 + diff);
      for (let j = 0; j < k; j++) {
        Qp[j] = (Qp[j] + diff * Q[t][j]) / (1 + diff);
        p[j] /= 1 + diff;
      }
    }
  }
}
