import { describe, expect, it } from "vitest";
import { RecordFields } from "../../src/pickle/index.js";
import { AllocationBudget } from "../../src/pickle/limits.js";
import { arrayFromBytes } from "../../src/pickle/numpy/array.js";
import type { DType } from "../../src/pickle/values.js";

const scalar = (str: string): DType => ({
  kind: str[1] as DType["kind"],
  itemsize: Number(str.slice(2)),
  byteorder: str[0] as DType["byteorder"],
  str,
});

/** Records of (a <i8, x <f8, flag |b1, name <U2) padded to 32 bytes, as numpy lays out an aligned struct. */
const RECORD: DType = {
  kind: "V",
  itemsize: 32,
  byteorder: "|",
  str: "|V32",
  fields: [
    { name: "a", dtype: scalar("<i8"), offset: 0 },
    { name: "x", dtype: scalar("<f8"), offset: 8 },
    { name: "flag", dtype: scalar("|b1"), offset: 16 },
    { name: "name", dtype: { ...scalar("<U2"), itemsize: 8 }, offset: 20 },
  ],
};

function records(rows: { a: bigint; x: number; flag: number; name: string }[], at = 0): Uint8Array {
  // `at` puts the records at an odd offset of a larger buffer, as a pickle does
  const buf = new Uint8Array(at + rows.length * 32);
  const dv = new DataView(buf.buffer, at);
  rows.forEach((r, i) => {
    dv.setBigInt64(32 * i, r.a, true);
    dv.setFloat64(32 * i + 8, r.x, true);
    dv.setUint8(32 * i + 16, r.flag);
    for (const [k, ch] of [...r.name].entries()) dv.setUint32(32 * i + 20 + 4 * k, ch.codePointAt(0)!, true);
  });
  return buf.subarray(at);
}

const ROWS = [
  { a: -1n, x: 0.5, flag: 1, name: "ab" },
  { a: 7n, x: Number.NEGATIVE_INFINITY, flag: 2, name: "c" },
  { a: 2n ** 40n + 3n, x: -0, flag: 0, name: "" },
];

const decode = (raw: Uint8Array, dt = RECORD, shape = [raw.length / dt.itemsize], fortran = false) =>
  arrayFromBytes(dt, shape, raw, fortran, new AllocationBudget(1 << 20));

describe("RecordFields", () => {
  it("decodes numeric fields when read, others at once, keeping the declared order", () => {
    const nd = decode(records(ROWS, 3));
    expect(nd.fields).toBeInstanceOf(RecordFields);
    expect([...nd.fields!.keys()]).toEqual(["a", "x", "flag", "name"]);
    expect(Array.from(nd.fields!.get("a")!.data as BigInt64Array)).toEqual([-1n, 7n, 2n ** 40n + 3n]);
    expect(Array.from(nd.fields!.get("flag")!.data as Uint8Array)).toEqual([1, 1, 0]);
    expect([...nd.fields!].map(([name, f]) => [name, f.dtype.str, f.data.length])).toEqual([
      ["a", "<i8", 3],
      ["x", "<f8", 3],
      ["flag", "|b1", 3],
      ["name", "<U2", 3],
    ]);
    expect(nd.fields!.get("name")!.data).toEqual(["ab", "c", ""]);
    expect(nd.fields!.get("missing")).toBeUndefined();
  });

  it("lays the records out for a one-pass reader: numeric fields at their offsets, in place", () => {
    const raw = records(ROWS, 5);
    const layout = (decode(raw).fields as RecordFields).layout()!;
    expect(layout.stride).toBe(32);
    expect(layout.count).toBe(3);
    // in place: the view is the pickle's own bytes, at their odd offset
    expect(layout.view.buffer).toBe(raw.buffer);
    expect(layout.view.byteOffset).toBe(raw.byteOffset);
    const a = layout.field("a")!;
    const x = layout.field("x")!;
    const flag = layout.field("flag")!;
    expect([a.dtype.str, a.offset, x.dtype.str, x.offset, flag.dtype.str, flag.offset]).toEqual([
      "<i8",
      0,
      "<f8",
      8,
      "|b1",
      16,
    ]);
    const at = (i: number, f: { offset: number }) => i * layout.stride + f.offset;
    expect([0, 1, 2].map((i) => layout.view.getBigInt64(at(i, a), true))).toEqual([-1n, 7n, 2n ** 40n + 3n]);
    expect([0, 1, 2].map((i) => layout.view.getFloat64(at(i, x), true))).toEqual([
      0.5,
      Number.NEGATIVE_INFINITY,
      -0,
    ]);
    // only numeric fields: a string field is decoded already, an unknown name is not there
    expect(layout.field("name")).toBeUndefined();
    expect(layout.field("nope")).toBeUndefined();
  });

  it("lays out a structured field nested in a record from where it starts", () => {
    const outer: DType = {
      kind: "V",
      itemsize: 40,
      byteorder: "|",
      str: "|V40",
      fields: [
        { name: "id", dtype: scalar("<i4"), offset: 0 },
        { name: "inner", dtype: RECORD, offset: 8 },
      ],
    };
    const raw = new Uint8Array(3 + 2 * 40).subarray(3);
    const dv = new DataView(raw.buffer, raw.byteOffset);
    dv.setFloat64(40 + 8 + 8, 2.5, true); // record 1, inner.x
    const inner = decode(raw, outer).fields!.get("inner")!.fields as RecordFields;
    const layout = inner.layout()!;
    expect(layout.stride).toBe(40);
    expect(layout.view.getFloat64(layout.stride + layout.field("x")!.offset, true)).toBe(2.5);
    expect(Array.from(inner.get("x")!.data as Float64Array)).toEqual([0, 2.5]);
    // no records: an empty view, not one past the end of the bytes
    const none = decode(new Uint8Array(0), outer, [0]).fields!.get("inner")!.fields as RecordFields;
    expect(none.layout()!.view.byteLength).toBe(0);
  });

  it("has no layout for records that are not in C order", () => {
    const fortran = decode(records([...ROWS, ...ROWS]), RECORD, [2, 3], true).fields as RecordFields;
    expect(fortran.layout()).toBeUndefined();
    const oneDimension = decode(records(ROWS), RECORD, [3], true).fields as RecordFields;
    expect(oneDimension.layout()?.count).toBe(3);
  });
});
