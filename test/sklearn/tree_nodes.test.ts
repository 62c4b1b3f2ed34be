import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { RecordFields, readJoblib } from "../../src/pickle/index.js";
import { AllocationBudget } from "../../src/pickle/limits.js";
import { arrayFromBytes } from "../../src/pickle/numpy/array.js";
import type { DType, NDArray, PyObject } from "../../src/pickle/values.js";
import { readNodes } from "../../src/sklearn/tree/nodes.js";
import { FIXTURES } from "./harness.js";

/**
 * readNodes reads real pickled trees in one pass over their records; what it makes must equal what the
 * field-by-field reading makes (the fallback for layouts the pass does not take), and both must refuse the
 * same corrupt nodes.
 */

const anySklearn = { isAllowed: (cls: string) => cls.startsWith("sklearn."), supported: "" };

/** Every pickled sklearn.tree._tree.Tree in a fixture file, as the reader left it (nodes not decoded). */
function treesIn(file: string): PyObject[] {
  const trees: PyObject[] = [];
  const seen = new Set<unknown>();
  const visit = (v: unknown): void => {
    if (typeof v !== "object" || v === null || seen.has(v)) return;
    seen.add(v);
    if ("cls" in v && (v as PyObject).cls === "sklearn.tree._tree.Tree") trees.push(v as PyObject);
    if (v instanceof Map) for (const x of v.values()) visit(x);
    else if (Array.isArray(v)) for (const x of v) visit(x);
    else if ("state" in v) {
      visit((v as PyObject).state);
      visit((v as PyObject).args);
    } else if ("data" in v && Array.isArray((v as NDArray).data)) visit((v as NDArray).data);
  };
  visit(readJoblib(readFileSync(join(FIXTURES, file)), { classes: anySklearn }));
  return trees;
}

const nodesOf = (tree: PyObject): NDArray => (tree.state as Map<string, unknown>).get("nodes") as NDArray;
const featuresOf = (tree: PyObject): number => tree.args[0] as number;

/** The same nodes with their fields decoded into a plain Map: readNodes reads those field by field. */
function decodedFields(nodes: NDArray): NDArray {
  return { ...nodes, fields: new Map(nodes.fields!) };
}

/** A copy of the nodes' record bytes, edited by `edit`, read back as a structured array of `dtype`. */
function editedNodes(nodes: NDArray, edit: (records: DataView, stride: number) => void, dtype = nodes.dtype) {
  const { view, stride, count } = (nodes.fields as RecordFields).layout()!;
  const raw = new Uint8Array(1 + count * stride).subarray(1); // odd offset, as in a pickle
  raw.set(new Uint8Array(view.buffer, view.byteOffset, count * stride));
  edit(new DataView(raw.buffer, raw.byteOffset, raw.byteLength), stride);
  return arrayFromBytes(dtype, nodes.shape, raw, false, new AllocationBudget(1 << 30));
}

function offsetOf(nodes: NDArray, name: string): number {
  return nodes.dtype.fields!.find((f) => f.name === name)!.offset;
}

function same(a: ReturnType<typeof readNodes>, b: ReturnType<typeof readNodes>): void {
  expect(a.packed).toEqual(b.packed);
  // bit for bit, NaN payloads and -0 included
  expect(new Uint32Array(a.threshold.buffer)).toEqual(new Uint32Array(b.threshold.buffer));
  expect(a.nNodeSamples).toEqual(b.nNodeSamples);
  expect(a.missingGoLeft).toEqual(b.missingGoLeft);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("readNodes on real trees", () => {
  const files = [
    "1.9.1/ensemble/rf_clf_iris.pkl", // with missing_go_to_left
    "1.9.1/ensemble/rf_clf_iris.p2.pkl", // protocol 2: the records come from a latin-1 string
    "1.9.1/ensemble/rf_clf_iris.p5.pkl",
    "1.9.1/ensemble/rf_clf_iris.joblib",
    "1.9.1/ensemble/et_reg_diabetes.pkl",
    "1.9.1/trees/dt_reg_diabetes_nan.pkl",
    "1.2.2/ensemble/rf_clf_iris.pkl", // before missing_go_to_left
  ];

  it.each(files)("%s: one pass over the records, as the decoded fields give", (file) => {
    const trees = treesIn(file);
    expect(trees.length).toBeGreaterThan(0);
    for (const tree of trees) {
      const nodes = nodesOf(tree);
      const count = nodes.shape[0];
      const get = vi.spyOn(RecordFields.prototype, "get");
      const fast = readNodes(nodes, count, featuresOf(tree));
      // the pass reads the records themselves, never a decoded field
      expect(get).not.toHaveBeenCalled();
      get.mockRestore();
      same(fast, readNodes(decodedFields(nodes), count, featuresOf(tree)));
      expect(fast.missingGoLeft === undefined).toBe(file.startsWith("1.2.2"));
      // a leaf points to itself, an inner node to later nodes
      const { packed } = fast;
      for (let n = 0; n < count; n++) {
        if (packed[4 * n] === n) expect([packed[4 * n + 1], packed[4 * n + 3]]).toEqual([n, n]);
        else expect(Math.min(packed[4 * n], packed[4 * n + 1])).toBeGreaterThan(n);
      }
    }
  });

  it("reads a big-endian machine's records field by field, to the same nodes", () => {
    const [tree] = treesIn("1.9.1/ensemble/rf_clf_iris.pkl");
    const nodes = nodesOf(tree);
    const bigEndian: DType = {
      ...nodes.dtype,
      fields: nodes.dtype.fields!.map((f) =>
        f.dtype.itemsize > 1
          ? { ...f, dtype: { ...f.dtype, byteorder: ">", str: `>${f.dtype.str.slice(1)}` } }
          : f,
      ),
    };
    const swapped = editedNodes(
      nodes,
      (records, stride) => {
        const bytes = new Uint8Array(records.buffer, records.byteOffset, records.byteLength);
        for (let at = 0; at < bytes.length; at += stride) {
          for (const f of bigEndian.fields!)
            bytes.subarray(at + f.offset, at + f.offset + f.dtype.itemsize).reverse();
        }
      },
      bigEndian,
    );
    const get = vi.spyOn(RecordFields.prototype, "get");
    const fromSwapped = readNodes(swapped, nodes.shape[0], featuresOf(tree));
    expect(get).toHaveBeenCalled();
    same(fromSwapped, readNodes(nodes, nodes.shape[0], featuresOf(tree)));
  });

  it("keeps every bit of a threshold (a NaN payload too) and sample counts beyond 32 bits", () => {
    const [tree] = treesIn("1.9.1/ensemble/rf_clf_iris.pkl");
    const nodes = nodesOf(tree);
    const threshold = offsetOf(nodes, "threshold");
    const samples = offsetOf(nodes, "n_node_samples");
    const edited = editedNodes(nodes, (records) => {
      records.setUint32(threshold, 0x00000001, true);
      records.setUint32(threshold + 4, 0x7ff00000, true); // a signalling NaN
      records.setBigInt64(samples, 2n ** 40n + 3n, true);
    });
    const read = readNodes(edited, nodes.shape[0], featuresOf(tree));
    expect(Array.from(new Uint32Array(read.threshold.buffer, 0, 2))).toEqual([1, 0x7ff00000]);
    expect(read.nNodeSamples[0]).toBe(2 ** 40 + 3);
    same(read, readNodes(decodedFields(edited), nodes.shape[0], featuresOf(tree)));
  });
});

describe("readNodes refuses corrupt nodes, in one pass and field by field alike", () => {
  const [tree] = treesIn("1.9.1/ensemble/rf_clf_iris.pkl");
  const nodes = nodesOf(tree);
  const count = nodes.shape[0];
  const nFeatures = featuresOf(tree);
  const left = offsetOf(nodes, "left_child");
  const right = offsetOf(nodes, "right_child");
  const feature = offsetOf(nodes, "feature");

  const cases: [string, (records: DataView, stride: number) => void, RegExp][] = [
    [
      "a child pointing back to its parent",
      (r) => r.setBigInt64(left, 0n, true),
      /Tree node 0 has children 0, \d+ outside the tree/,
    ],
    [
      "a child past the last node",
      (r) => r.setBigInt64(right, BigInt(count), true),
      new RegExp(`Tree node 0 has children \\d+, ${count} outside the tree`),
    ],
    [
      "a child before its parent (a loop)",
      (r, stride) => r.setBigInt64(stride + left, 0n, true),
      /Tree node 1 has children 0, \d+ outside the tree/,
    ],
    [
      "a split on a feature the tree lacks",
      (r) => r.setBigInt64(feature, BigInt(nFeatures), true),
      new RegExp(`Tree node 0 splits on feature ${nFeatures} of ${nFeatures}`),
    ],
    ["a negative feature", (r) => r.setBigInt64(feature, -3n, true), /Tree node 0 splits on feature -3/],
    [
      "an index beyond 32 bits",
      (r) => r.setBigInt64(right, 2n ** 32n + 2n, true),
      /Tree\.nodes\.right_child\[0\] = 4294967298 is not a 32-bit integer/,
    ],
  ];

  it.each(cases)("%s", (_, edit, message) => {
    const edited = editedNodes(nodes, edit);
    expect(() => readNodes(edited, count, nFeatures)).toThrow(message);
    expect(() => readNodes(decodedFields(edited), count, nFeatures)).toThrow(message);
  });

  it("refuses nodes that are not records, or lack a field", () => {
    expect(() => readNodes({ ...nodes, fields: undefined }, count, nFeatures)).toThrow(
      /not a structured array/,
    );
    const fields = new Map(nodes.fields!);
    fields.delete("feature");
    expect(() => readNodes({ ...nodes, fields }, count, nFeatures)).toThrow(/no field 'feature'/);
  });
});
