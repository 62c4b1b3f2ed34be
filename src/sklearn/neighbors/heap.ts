/**
 * scikit-learn's bounded max-heap of the k best candidates (`NeighborsHeap._push`): a candidate enters only if
 * strictly closer than the current k-th, so among equal distances the one offered first stays, which is
 * what decides ties at the k-th neighbour.
 */
export class NeighborHeap {
  readonly dist: Float64Array;
  readonly ind: Int32Array;

  constructor(readonly k: number) {
    this.dist = new Float64Array(k).fill(Number.POSITIVE_INFINITY);
    this.ind = new Int32Array(k);
  }

  largest(): number {
    return this.dist[0];
  }

  push(val: number, index: number): void {
    const { dist, ind, k } = this;
    if (val >= dist[0]) return;
    let i = 0;
    for (;;) {
      const c1 = 2 * i + 1;
      const c2 = c1 + 1;
      let swap: number;
      if (c1 >= k) break;
      if (c2 >= k) {
        if (dist[c1] > val) swap = c1;
        else break;
      } else if (dist[c1] >= dist[c2]) {
        if (val < dist[c1]) swap = c1;
        else break;
      } else if (val < dist[c2]) swap = c2;
      else break;
      dist[i] = dist[swap];
      ind[i] = ind[swap];
      i = swap;
    }
    dist[i] = val;
    ind[i] = index;
  }

  /** The neighbours sorted by distance (equal distances keep heap order; they only differ in summation order). */
  sorted(): { dist: Float64Array; ind: Int32Array } {
    const order = Array.from({ length: this.k }, (_, i) => i).sort((a, b) => this.dist[a] - this.dist[b]);
    return {
      dist: Float64Array.from(order, (i) => this.dist[i]),
      ind: Int32Array.from(order, (i) => this.ind[i]),
    };
  }
}
