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

  it("reads columns in one pass, converted exactly, into strided targets", () => {
    const nd = decode(records(ROWS, 5));
    const fields = nd.fields as RecordFields;
    const packed = new Int32Array(6).fill(99);
    const asFloat = new Float64Array(3);
    const x = new Float64Array(3);
    const flag = new Uint8Array(3);
    const ok = fields.readColumns([
      { name: "x", into: x },
      { name: "a", into: asFloat },
      { name: "flag", into: flag },
    ]);
    expect(ok).toBe(true);
    expect(Array.from(x)).toEqual([0.5, Number.NEGATIVE_INFINITY, -0]);
    expect(Object.is(x[2], -0)).toBe(true);
    expect(Array.from(asFloat)).toEqual([-1, 7, 2 ** 40 + 3]);
    expect(Array.from(flag)).toEqual([1, 1, 0]);
    // 2^40 + 3 does not fit an int32: the caller is told to read the fields instead
    expect(fields.readColumns([{ name: "a", into: packed, start: 1, step: 2 }])).toBe(false);
    const small = decode(records(ROWS.slice(0, 2), 1)).fields as RecordFields;
    expect(small.readColumns([{ name: "a", into: packed, start: 1, step: 2 }])).toBe(true);
    expect(Array.from(packed)).toEqual([99, -1, 99, 7, 99, 99]);
  });

  it("keeps every bit of a float64 field, NaN payloads included", () => {
    const raw = records([{ a: 0n, x: 0, flag: 0, name: "" }]);
    new DataView(raw.buffer, raw.byteOffset).setUint32(8, 0x00000001, true);
    new DataView(raw.buffer, raw.byteOffset).setUint32(12, 0x7ff00000, true); // a signalling NaN
    const x = new Float64Array(1);
    expect((decode(raw).fields as RecordFields).readColumns([{ name: "x", into: x }])).toBe(true);
    expect(Array.from(new Uint32Array(x.buffer))).toEqual([1, 0x7ff00000]);
  });

  it("declines what it cannot convert exactly or read in place", () => {
    const fields = decode(records(ROWS)).fields as RecordFields;
    expect(fields.readColumns([{ name: "name", into: new Int32Array(3) }])).toBe(false); // not numeric
    expect(fields.readColumns([{ name: "x", into: new Int32Array(3) }])).toBe(false); // float to int
    expect(fields.readColumns([{ name: "a", into: new Uint8Array(3) }])).toBe(false); // int64 to uint8
    expect(fields.readColumns([{ name: "nope", into: new Float64Array(3) }])).toBe(false);
    expect(fields.readColumns([{ name: "x", into: new Float64Array(2) }])).toBe(false); // too short
    const bigEndian: DType = {
      ...RECORD,
      fields: [{ name: "a", dtype: scalar(">i8"), offset: 0 }],
    };
    const be = decode(records(ROWS), bigEndian).fields as RecordFields;
    expect(be.readColumns([{ name: "a", into: new Float64Array(3) }])).toBe(false);
    expect(Array.from(be.get("a")!.data as BigInt64Array)).toHaveLength(3);
    const fortran = decode(records([...ROWS, ...ROWS]), RECORD, [2, 3], true).fields as RecordFields;
    expect(fortran.readColumns([{ name: "x", into: new Float64Array(6) }])).toBe(false);
  });
});
