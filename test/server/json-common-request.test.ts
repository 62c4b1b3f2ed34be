import { describe, expect, it } from "vitest";
import { DATATYPE_NAMES } from "../../src/server/codecs/datatypes.js";
import { parseCommonRequest } from "../../src/server/codecs/json-common-request.js";
import { seededRandom } from "../seeded-random.js";

/**
 * The parser of the common request shape against JSON.parse, its definition: whatever it accepts it must
 * give exactly as JSON.parse does (numbers bit for bit, -0 included), and whatever it refuses goes to
 * JSON.parse, so refusing is always safe but the common shapes must not be refused.
 */

function fast(text: string): unknown {
  return parseCommonRequest(Buffer.from(text, "utf8"));
}

/** toEqual, and -0 told from 0 (toEqual already does), NaN never produced */
function expectSameAsJsonParse(text: string): void {
  const parsed = fast(text);
  expect(parsed, text).not.toBeUndefined();
  expect(parsed, text).toEqual(JSON.parse(text));
}

const ACCEPTED = [
  '{"inputs":[{"name":"x","datatype":"FP32","shape":[1,4],"data":[5.1,3.5,1.4,0.2]}]}',
  ' {\n "id" : "req-1",\t"inputs" : [ { "data" : [ 1 , -2 ] , "shape" : [ 2 ] , "datatype" : "INT32" , "name" : "a b" } ] } \r\n',
  '{"inputs":[{"name":"a","datatype":"FP64","shape":[0],"data":[]},{"name":"b","datatype":"UINT8","shape":[1],"data":[0]}],"id":""}',
  '{"inputs":[{"name":"x","datatype":"FP64","shape":[5],"data":[-0,0.0,-0.0,1e3,1E-3]}]}',
  '{"inputs":[{"name":"x","datatype":"FP64","shape":[4],"data":[2.5e+400,-1e400,4.9e-324,123456789012345678901234567890]}]}',
  '{"inputs":[{"name":"x","datatype":"INT64","shape":[3],"data":[9007199254740993,-9223372036854775808,18446744073709551615]}]}',
  '{"inputs":[{"name":"x","datatype":"FP32","shape":[3],"data":[0.1,0.30000000000000004,0.000000000000000000001]}]}',
  '{"inputs":[{"name":"x","datatype":"NOT_A_TYPE","shape":[1.5,-1],"data":[1]}]}',
];

const REFUSED = [
  "",
  "{}",
  "[]",
  '{"inputs":[]}',
  '{"inputs":[{"name":"x","datatype":"FP32","shape":[1],"data":[1]}],}',
  '{"inputs":[{"name":"x","datatype":"FP32","shape":[1],"data":[1],}]}',
  '{"inputs":[{"name":"x","datatype":"FP32","shape":[1],"data":[1,]}]}',
  '{"inputs":[{"name":"x","datatype":"FP32","shape":[1],"data":[[1]]}]}',
  '{"inputs":[{"name":"x","datatype":"BOOL","shape":[1],"data":[true]}]}',
  '{"inputs":[{"name":"x","datatype":"FP32","shape":[1],"data":[null]}]}',
  '{"inputs":[{"name":"x","datatype":"FP32","shape":[1],"data":[1],"parameters":{}}]}',
  '{"inputs":[{"name":"x","datatype":"FP32","shape":[1],"data":[1]}],"parameters":{}}',
  '{"inputs":[{"name":"x","datatype":"FP32","shape":[1],"data":[1]}],"outputs":[]}',
  '{"inputs":[{"name":"x","name":"y","datatype":"FP32","shape":[1],"data":[1]}]}',
  '{"id":"a","id":"b","inputs":[{"name":"x","datatype":"FP32","shape":[1],"data":[1]}]}',
  '{"inputs":[{"name":"x\\"","datatype":"FP32","shape":[1],"data":[1]}]}',
  '{"inputs":[{"name":"ü","datatype":"FP32","shape":[1],"data":[1]}]}',
  '{"inputs":[{"name":"x","datatype":"FP32","shape":[1],"data":[01]}]}',
  '{"inputs":[{"name":"x","datatype":"FP32","shape":[1],"data":[1.]}]}',
  '{"inputs":[{"name":"x","datatype":"FP32","shape":[1],"data":[.5]}]}',
  '{"inputs":[{"name":"x","datatype":"FP32","shape":[1],"data":[+1]}]}',
  '{"inputs":[{"name":"x","datatype":"FP32","shape":[1],"data":[1e]}]}',
  '{"inputs":[{"name":"x","datatype":"FP32","shape":[1],"data":[-]}]}',
  '{"inputs":[{"name":"x","datatype":"FP32","shape":[1],"data":[NaN]}]}',
  '{"inputs":[{"name":"x","datatype":"FP32","shape":[1],"data":[1]}]} x',
  '{"inputs":[{"name" "x","datatype":"FP32","shape":[1],"data":[1]}]}',
  '{"inputs":[{"name" "datatype":"FP32","name":"x","shape":[1],"data":[1]}]}',
  '{"inputs":[{"datatype":"FP32","shape":[1],"data":[1]}]}',
  '\ufeff{"inputs":[{"name":"x","datatype":"FP32","shape":[1],"data":[1]}]}',
];

describe("parseCommonRequest", () => {
  it.each(ACCEPTED)("gives what JSON.parse gives for %j", (text) => expectSameAsJsonParse(text));

  it.each(REFUSED)("leaves %j to JSON.parse", (text) => {
    expect(fast(text)).toBeUndefined();
  });

  it("reads random decimal numbers bit for bit as JSON.parse does", () => {
    const { int, pick } = seededRandom(7);
    const digits = (n: number) => Array.from({ length: n }, () => int(10)).join("");
    const numbers: string[] = [];
    for (let n = 0; n < 20_000; n++) {
      const whole = pick(["0", `${1 + int(9)}${digits(int(18))}`]);
      const fraction = pick(["", `.${digits(1 + int(20))}`]);
      const exponent = pick(["", "", `e${pick(["", "+", "-"])}${digits(1 + int(3))}`]);
      numbers.push(`${pick(["", "-"])}${whole}${fraction}${exponent}`);
    }
    const text = `{"inputs":[{"name":"x","datatype":"FP64","shape":[${numbers.length}],"data":[${numbers.join(",")}]}]}`;
    const parsed = fast(text) as { inputs: { data: number[] }[] };
    const expected = (JSON.parse(text) as typeof parsed).inputs[0].data;
    const got = parsed.inputs[0].data;
    for (let i = 0; i < numbers.length; i++) {
      if (!Object.is(got[i], expected[i])) expect(`${numbers[i]} → ${got[i]}`).toBe(`${expected[i]}`);
    }
  });

  it("accepts nothing JSON.parse reads differently, over random mutations of common requests", () => {
    const { rand, int, pick } = seededRandom(20261204);
    const noise = [" ", "\n", ",", ":", '"', "[", "]", "{", "}", "-", ".", "e", "0", "7", "\\", "ü", "x"];
    let accepted = 0;
    for (let n = 0; n < 5_000; n++) {
      const inputs = Array.from({ length: 1 + int(3) }, (_, i) => {
        const data = Array.from({ length: int(5) }, () => (rand() - 0.5) * 10 ** int(8));
        return {
          name: `in${i}`,
          datatype: pick([...DATATYPE_NAMES, "FP3", "XFP32", "fp32", "UINT644"]),
          shape: [1, data.length],
          data,
        };
      });
      const request = rand() < 0.5 ? { inputs } : { id: `r${n}`, inputs };
      let text = JSON.stringify(request, null, pick([0, 1, "\t"]));
      if (rand() < 0.7) {
        const at = int(text.length + 1);
        const cut = int(3);
        text = text.slice(0, at) + (rand() < 0.5 ? pick(noise) : "") + text.slice(at + cut);
      }
      const parsed = fast(text);
      if (parsed === undefined) continue;
      accepted++;
      expect(parsed, text).toEqual(JSON.parse(text));
    }
    expect(accepted).toBeGreaterThan(1_500);
  });
});
