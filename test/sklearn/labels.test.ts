import { describe, expect, it } from "vitest";
import type { DType, NDArray } from "../../src/pickle/values.js";
import { numpyDType } from "../../src/sklearn/common/dtypes.js";
import { ClassLabels } from "../../src/sklearn/common/index.js";

/** classes_ stored at an offset inside a larger buffer, as arrays read from a pickle may be. */
function classes(
  dtype: DType,
  make: (buffer: ArrayBuffer, offset: number, n: number) => NDArray["data"],
  values: unknown[],
): NDArray {
  const data = make(new ArrayBuffer(8 * (values.length + 2)), 8, values.length) as unknown[];
  values.forEach((v, i) => {
    data[i] = v;
  });
  return { dtype, shape: [values.length], data: data as NDArray["data"] };
}

const cases: [string, NDArray][] = [
  ["int8", classes(numpyDType("i", 1), (b, o, n) => new Int8Array(b, o, n), [-128, 5, 127])],
  ["uint8", classes(numpyDType("u", 1), (b, o, n) => new Uint8Array(b, o, n), [0, 200, 255])],
  ["bool", classes(numpyDType("b", 1), (b, o, n) => new Uint8Array(b, o, n), [0, 1])],
  ["int16", classes(numpyDType("i", 2), (b, o, n) => new Int16Array(b, o, n), [-32768, 7, 32767])],
  ["uint16", classes(numpyDType("u", 2), (b, o, n) => new Uint16Array(b, o, n), [1, 65535, 3])],
  ["int32", classes(numpyDType("i", 4), (b, o, n) => new Int32Array(b, o, n), [-(2 ** 31), 0, 2 ** 31 - 1])],
  ["uint32", classes(numpyDType("u", 4), (b, o, n) => new Uint32Array(b, o, n), [2 ** 32 - 1, 9, 2 ** 31])],
  ["float32", classes(numpyDType("f", 4), (b, o, n) => new Float32Array(b, o, n), [-0, 0.5, Number.NaN])],
  [
    "int64",
    classes(numpyDType("i", 8), (b, o, n) => new BigInt64Array(b, o, n), [-(2n ** 63n), 3n, 2n ** 62n + 1n]),
  ],
  [
    "uint64",
    classes(numpyDType("u", 8), (b, o, n) => new BigUint64Array(b, o, n), [
      2n ** 64n - 1n,
      0n,
      2n ** 53n + 1n,
    ]),
  ],
  ["float64", classes(numpyDType("f", 8), (b, o, n) => new Float64Array(b, o, n), [-0, 1e300, Number.NaN])],
  ["str", { dtype: numpyDType("U", 20), shape: [3], data: ["setosa", "versicolor", "virginica"] }],
  ["object", { dtype: numpyDType("O", 8), shape: [3], data: ["a", 2, null] }],
];

describe("ClassLabels.take", () => {
  it.each(cases)("gives %s labels in classes_' dtype, bit for bit", (_, array) => {
    const labels = new ClassLabels(array, "X");
    const src = array.data as ArrayLike<unknown>;
    const picks = [2, 0, 1, 1, 0, 2, 2].filter((i) => i < labels.length);
    for (const indices of [Int32Array.from(picks), Uint8Array.from(picks), picks]) {
      const out = labels.take(indices);
      expect(out.dtype).toBe(array.dtype);
      expect(out.shape).toEqual([picks.length]);
      expect(out.data.constructor).toBe(array.data.constructor);
      const got = Array.from(out.data as ArrayLike<unknown>);
      // Object.is tells -0 from 0 and matches NaN
      for (const [i, v] of got.entries()) expect(Object.is(v, src[picks[i]]), `label ${i}: ${v}`).toBe(true);
    }
  });

  it("gives an empty array for no indices", () => {
    const out = new ClassLabels(cases[8][1], "X").take(new Int32Array(0));
    expect(out.shape).toEqual([0]);
    expect(out.data).toBeInstanceOf(BigInt64Array);
  });

  it("refuses a classes_ that is not a 1-D array", () => {
    expect(() => new ClassLabels([1, 2], "SVC")).toThrow("SVC.classes_ must be a 1-D array");
  });
});

describe("ClassLabels.takeAbove", () => {
  const scores = Float64Array.from({ length: 20_003 }, (_, i) => Math.sin(i * 1.7));
  scores[5] = Number.NaN;
  scores[6] = 0;
  scores[7] = -0;
  scores[8] = Number.POSITIVE_INFINITY;
  scores[9] = Number.NEGATIVE_INFINITY;
  scores[10] = 0.25;

  // every two-label case, and more than one chunk of values
  it.each(cases.map(([name, array]) => [name, array] as const))(
    "gives %s labels as take() of (values > threshold)",
    (_, array) => {
      const labels = new ClassLabels(array, "X");
      for (const threshold of [0, 0.25]) {
        const expected = labels.take(Int32Array.from(scores, (v) => (v > threshold ? 1 : 0)));
        const got = labels.takeAbove(scores, threshold);
        expect(got.dtype).toBe(array.dtype);
        expect(got.shape).toEqual([scores.length]);
        expect(got.data.constructor).toBe(expected.data.constructor);
        const [g, e] = [got.data, expected.data] as ArrayLike<unknown>[];
        const differ = Array.from({ length: scores.length }, (_, i) => i).filter(
          (i) => !Object.is(g[i], e[i]),
        );
        expect(differ).toEqual([]);
      }
    },
  );

  it("gives the first label for NaN and values not above", () => {
    const out = new ClassLabels(cases[8][1], "X").takeAbove(Float64Array.of(Number.NaN, 0, 1, -1), 0);
    expect(Array.from(out.data as BigInt64Array)).toEqual([-(2n ** 63n), -(2n ** 63n), 3n, -(2n ** 63n)]);
  });

  it("gives an empty array for no values", () => {
    expect(new ClassLabels(cases[3][1], "X").takeAbove(new Float64Array(0), 0).shape).toEqual([0]);
  });

  it("needs two labels", () => {
    const one: NDArray = { dtype: numpyDType("i", 8), shape: [1], data: BigInt64Array.of(1n) };
    expect(() => new ClassLabels(one, "X").takeAbove(Float64Array.of(1), 0)).toThrow("expected 2");
  });
});
