import { describe, expect, it } from "vitest";
import { tensorDataFromBytes, tensorToBytes } from "../../src/server/codecs/binary.js";
import {
  decodeBase64,
  decodeDatetimes,
  decodeNumpy,
  decodePandas,
  decodeStrings,
  encodeBase64,
  encodeDatetimes,
  encodeNumpy,
  encodePandas,
  encodeStrings,
  inputContentType,
  requestContentType,
} from "../../src/server/codecs/content-types.js";
import { DATATYPE_NAMES } from "../../src/server/codecs/datatypes.js";
import { fromHalfBits, roundToHalf, toHalfBits } from "../../src/server/codecs/fp16.js";
import { decodeInferenceRequest } from "../../src/server/codecs/json-request.js";
import { encodeInferenceResponse } from "../../src/server/codecs/json-response.js";
import type { Datatype, Tensor } from "../../src/server/protocol/tensor.js";

const samples: Record<Datatype, { ok: unknown[]; bad: unknown; expected: RegExp }> = {
  BOOL: { ok: [true, false, 1, 0], bad: 2, expected: /expected true or false/ },
  UINT8: { ok: [0, 255, 7, 1], bad: 256, expected: /\[0, 255\]/ },
  UINT16: { ok: [0, 65535, 7, 1], bad: -1, expected: /\[0, 65535\]/ },
  UINT32: { ok: [0, 4294967295, 7, 1], bad: 4294967296, expected: /\[0, 4294967295\]/ },
  UINT64: {
    ok: [0, "18446744073709551615", 7, 1],
    bad: "18446744073709551616",
    expected: /18446744073709551615/,
  },
  INT8: { ok: [-128, 127, 0, 1], bad: 128, expected: /\[-128, 127\]/ },
  INT16: { ok: [-32768, 32767, 0, 1], bad: 1.5, expected: /\[-32768, 32767\]/ },
  INT32: { ok: [-2147483648, 2147483647, 0, 1], bad: "1", expected: /\[-2147483648, 2147483647\]/ },
  INT64: {
    ok: ["-9223372036854775808", "9223372036854775807", 0, -1],
    bad: true,
    expected: /9223372036854775807/,
  },
  FP16: { ok: [1.5, -2, 65504, 0.1], bad: 70000, expected: /within ±65504/ },
  FP32: { ok: [1.5, -2, 3e38, 0.25], bad: 1e39, expected: /within ±3.4028234663852886e\+38/ },
  FP64: { ok: [1.5, -2, 1e300, 0.25], bad: "x", expected: /a number/ },
  BYTES: { ok: ["a", "", "ünï", "d"], bad: 3, expected: /a string/ },
};

function input(datatype: Datatype, data: unknown, shape = [2, 2]) {
  return { name: "in", datatype, shape, data };
}

describe("JSON tensor codec", () => {
  for (const datatype of DATATYPE_NAMES) {
    const { ok, bad, expected } = samples[datatype];
    it(`decodes ${datatype} flat and nested, checks range, and round-trips through binary`, () => {
      const flat = decodeInferenceRequest({ inputs: [input(datatype, ok)] }).inputs[0];
      const nested = decodeInferenceRequest({ inputs: [input(datatype, [ok.slice(0, 2), ok.slice(2)])] })
        .inputs[0];
      expect(nested.data).toEqual(flat.data);
      expect(flat.shape).toEqual([2, 2]);
      const bytes = tensorToBytes(flat);
      expect(tensorDataFromBytes("input 'in'", datatype, [2, 2], bytes)).toEqual(flat.data);
      const badData = [...ok.slice(0, 3), bad];
      expect(() => decodeInferenceRequest({ inputs: [input(datatype, badData)] })).toThrow(expected);
      expect(() => decodeInferenceRequest({ inputs: [input(datatype, badData)] })).toThrow(
        /input 'in'.*element 3/,
      );
      expect(() => decodeInferenceRequest({ inputs: [input(datatype, ok, [3])] })).toThrow(
        /shape \[3\] holds 3 elements but 'data' has 4/,
      );
      const encoded = encodeInferenceResponse({ model_name: "m", outputs: [flat] });
      const back = JSON.parse(encoded.json).outputs[0];
      expect(back).toMatchObject({ name: "in", datatype, shape: [2, 2] });
      if (datatype === "UINT64" || datatype === "INT64") {
        // the JSON text carries every digit (JS's JSON.parse would round beyond 2^53, Python's does not)
        expect(encoded.json).toContain(`[${(flat.data as BigInt64Array).join(",")}]`);
      } else {
        const again = decodeInferenceRequest({ inputs: [{ ...back, data: back.data }] }).inputs[0];
        expect(again.data).toEqual(flat.data);
      }
    });
  }

  it("rejects unknown datatypes, bad shapes, duplicate inputs and bad ids with the input's name", () => {
    expect(() => decodeInferenceRequest({ inputs: [input("FP8" as Datatype, [1])] })).toThrow(
      /input 'in': unknown datatype "FP8", expected one of BOOL, UINT8/,
    );
    expect(() => decodeInferenceRequest({ inputs: [{ ...input("FP32", [1]), shape: [-1] }] })).toThrow(
      /shape dimension 0 is -1, expected a non-negative integer/,
    );
    expect(() =>
      decodeInferenceRequest({ inputs: [input("FP32", [1], [1]), input("FP32", [1], [1])] }),
    ).toThrow(/appears twice/);
    expect(() => decodeInferenceRequest({ id: 3, inputs: [input("FP32", [1], [1])] })).toThrow(
      /'id' must be a string/,
    );
    expect(() => decodeInferenceRequest({ inputs: [] })).toThrow(/non-empty array/);
    expect(() => decodeInferenceRequest([1])).toThrow(/JSON object/);
    expect(() => decodeInferenceRequest({ inputs: [{ ...input("FP32", [1], [1]), data: 1 }] })).toThrow(
      /'data' must be a JSON array/,
    );
  });

  it("reads null as NaN for floats and writes NaN back as null", () => {
    const t = decodeInferenceRequest({ inputs: [input("FP64", [1, null], [2])] }).inputs[0];
    expect(Number.isNaN((t.data as Float64Array)[1])).toBe(true);
    expect(
      JSON.parse(encodeInferenceResponse({ model_name: "m", outputs: [t] }).json).outputs[0].data,
    ).toEqual([1, null]);
  });

  it("writes non-UTF-8 BYTES as base64 and says so", () => {
    const t: Tensor = { name: "b", datatype: "BYTES", shape: [1], data: [new Uint8Array([0xff, 0x00])] };
    const out = JSON.parse(encodeInferenceResponse({ model_name: "m", outputs: [t] }).json).outputs[0];
    expect(out).toMatchObject({ data: ["/wA="], parameters: { content_type: "base64" } });
  });

  it("decodes binary inputs and encodes requested binary outputs", () => {
    const bin = new Uint8Array(new Float32Array([1, 2, 3]).buffer);
    const req = decodeInferenceRequest(
      {
        inputs: [
          { name: "a", datatype: "FP32", shape: [3], parameters: { binary_data_size: 12 } },
          { name: "b", datatype: "INT8", shape: [1], data: [4] },
        ],
        outputs: [{ name: "a", parameters: { binary_data: true } }, { name: "b" }],
      },
      bin,
    );
    expect(Array.from(req.inputs[0].data as Float32Array)).toEqual([1, 2, 3]);
    const enc = encodeInferenceResponse({ model_name: "m", outputs: req.inputs }, req);
    const doc = JSON.parse(enc.json);
    expect(doc.outputs[0]).toMatchObject({ parameters: { binary_data_size: 12 } });
    expect(doc.outputs[0].data).toBeUndefined();
    expect(doc.outputs[1].data).toEqual([4]);
    expect(Buffer.concat(enc.binary)).toEqual(Buffer.from(bin));
    // request-level binary_data_output applies even when outputs are listed (KServe#5907 fixed)
    const all = { ...req, parameters: { binary_data_output: true }, outputs: [{ name: "a" }, { name: "b" }] };
    expect(encodeInferenceResponse({ model_name: "m", outputs: req.inputs }, all).binary).toHaveLength(2);
    expect(() =>
      decodeInferenceRequest(
        { inputs: [{ name: "a", datatype: "FP32", shape: [3], parameters: { binary_data_size: 12 } }] },
        new Uint8Array(16),
      ),
    ).toThrow(/4 bytes of binary data that no input/);
    expect(() =>
      decodeInferenceRequest(
        { inputs: [{ name: "a", datatype: "FP32", shape: [4], parameters: { binary_data_size: 12 } }] },
        bin,
      ),
    ).toThrow(/needs 16 bytes of binary data, got 12/);
    expect(() => tensorDataFromBytes("input 'x'", "BYTES", [2], new Uint8Array([1, 0, 0, 0, 65]))).toThrow(
      /2 elements need at least 8 bytes of binary data, got 5/,
    );
    expect(() =>
      tensorDataFromBytes("input 'x'", "BYTES", [2], new Uint8Array([1, 0, 0, 0, 65, 0, 0, 0])),
    ).toThrow(/ends before element 1 of 2/);
    expect(() => tensorDataFromBytes("input 'x'", "BOOL", [1], new Uint8Array([2]))).toThrow(
      /expected 0 or 1/,
    );
  });

  it("converts half precision exactly (ties to even, subnormals, overflow)", () => {
    expect(toHalfBits(1)).toBe(0x3c00);
    expect(toHalfBits(65504)).toBe(0x7bff);
    expect(toHalfBits(65520)).toBe(0x7c00);
    expect(toHalfBits(-2)).toBe(0xc000);
    expect(toHalfBits(2 ** -24)).toBe(1);
    expect(toHalfBits(2 ** -25)).toBe(0);
    expect(toHalfBits(1 + 2 ** -11)).toBe(0x3c00); // tie → even
    expect(toHalfBits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie → even (up)
    for (let bits = 0; bits < 0x7c00; bits += 7) expect(toHalfBits(fromHalfBits(bits))).toBe(bits);
    expect(roundToHalf(0.1)).toBe(0.0999755859375);
  });
});

describe("content types", () => {
  const request = decodeInferenceRequest({
    parameters: { content_type: "pd" },
    inputs: [
      {
        name: "First Name",
        datatype: "BYTES",
        parameters: { content_type: "str" },
        shape: [2],
        data: ["Joanne", "Michael"],
      },
      { name: "Age", datatype: "INT32", shape: [2, 1], data: [34, 22] },
      {
        name: "Blob",
        datatype: "BYTES",
        parameters: { content_type: "base64" },
        shape: [2],
        data: ["AAE=", ""],
      },
      { name: "When", datatype: "BYTES", shape: [2], data: ["2024-01-02T03:04:05Z", "2024-02-01"] },
    ],
  });

  it("resolves content types from the request, the input and the model settings", () => {
    expect(requestContentType(request)).toBe("pd");
    const plain = decodeInferenceRequest({ inputs: [input("FP32", [1, 2, 3, 4])] });
    expect(
      requestContentType(plain, { name: "m", implementation: "x", parameters: { content_type: "np" } }),
    ).toBe("np");
    const settings = {
      name: "m",
      implementation: "x",
      inputs: [
        { name: "When", datatype: "BYTES" as const, shape: [-1], parameters: { content_type: "datetime" } },
      ],
    };
    expect(inputContentType(request.inputs[3], settings)).toBe("datetime");
    expect(inputContentType(request.inputs[0], settings)).toBe("str");
  });

  it("decodes a pandas request column by column", () => {
    const settings = {
      name: "m",
      implementation: "x",
      inputs: [
        { name: "When", datatype: "BYTES" as const, shape: [-1], parameters: { content_type: "datetime" } },
      ],
    };
    const frame = decodePandas(request, settings);
    expect(frame.rows).toBe(2);
    expect(frame.columns.map((c) => c.name)).toEqual(["First Name", "Age", "Blob", "When"]);
    expect(frame.columns[0].values).toEqual(["Joanne", "Michael"]);
    expect(Array.from(frame.columns[1].values as Int32Array)).toEqual([34, 22]);
    expect(frame.columns[2].values).toEqual([new Uint8Array([0, 1]), new Uint8Array([])]);
    expect((frame.columns[3].values as Date[])[1].toISOString()).toBe("2024-02-01T00:00:00.000Z");
    const bad = decodeInferenceRequest({
      inputs: [input("FP32", [1, 2], [2]), { ...input("FP32", [1, 2, 3], [3]), name: "in2" }],
    });
    expect(() => decodePandas(bad)).toThrow(
      /input 'in2' \(pd column\): shape \[3\] given, expected \[2\] or \[2, 1\]/,
    );
    const encoded = encodePandas(frame);
    expect(encoded.parameters).toEqual({ content_type: "pd" });
    expect(encoded.outputs.map((t) => [t.name, t.datatype, t.shape, t.parameters?.content_type])).toEqual([
      ["First Name", "BYTES", [2, 1], "str"],
      ["Age", "INT32", [2, 1], undefined],
      ["Blob", "BYTES", [2, 1], "base64"],
      ["When", "BYTES", [2, 1], "datetime"],
    ]);
    const mixed = encodePandas({ rows: 2, columns: [{ name: "o", datatype: "BYTES", values: [1, "a"] }] });
    expect(mixed.outputs[0].parameters).toEqual({ content_type: "pd_json" });
  });

  it("decodes and encodes np, str, base64 and datetime", () => {
    const t = decodeInferenceRequest({ inputs: [input("FP32", [1, 2, 3], [3])] }).inputs[0];
    expect(decodeNumpy(t).shape).toEqual([3, 1]);
    expect(
      encodeNumpy("predict", { datatype: "INT64", shape: [2], data: new BigInt64Array([1n, 2n]) }),
    ).toMatchObject({
      shape: [2, 1],
      parameters: { content_type: "np" },
    });
    const s = encodeStrings("s", ["a", "b"]);
    expect(decodeStrings(s)).toEqual(["a", "b"]);
    expect(decodeBase64({ ...encodeBase64("b", [new Uint8Array([1, 2, 3])]) })).toEqual([
      new Uint8Array([1, 2, 3]),
    ]);
    expect(decodeDatetimes(encodeDatetimes("d", [new Date(0)]))).toEqual([new Date(0)]);
    expect(() => decodeStrings(t)).toThrow(/content type 'str' needs datatype BYTES, got FP32/);
    expect(() => decodeBase64(encodeStrings("x", ["%%%"]))).toThrow(/element 0 is not base64 text/);
    expect(() => decodeDatetimes(encodeStrings("x", ["yesterday"]))).toThrow(/expected an ISO 8601 date/);
  });
});
