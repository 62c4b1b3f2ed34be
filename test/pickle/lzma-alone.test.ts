import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeLzmaAlone, LzmaError } from "../../src/pickle/lzma-alone.js";

const DIR = join(import.meta.dirname, "../../fixtures/pickle");
const tooBig = () => new Error("too big");

describe("the .lzma (alone) decoder", () => {
  it.each(["numpy-1.24.4", "numpy-2.4.6"])(
    "decodes Python's joblib lzma files of %s to the plain joblib bytes",
    (v) => {
      for (const name of ["arrays", "estimator"]) {
        const plain = readFileSync(join(DIR, v, `${name}.joblib`));
        const decoded = decodeLzmaAlone(readFileSync(join(DIR, v, `${name}.joblib.lzma`)), 1 << 30, tooBig);
        expect(Buffer.from(decoded).equals(plain)).toBe(true);
      }
    },
  );

  it("stops at the limit instead of expanding a bomb", () => {
    const bomb = readFileSync(join(DIR, "hostile/bomb_8mib.joblib.lzma"));
    expect(() => decodeLzmaAlone(bomb, 1 << 20, tooBig)).toThrow("too big");
    expect(decodeLzmaAlone(bomb, 8 << 20, tooBig).length).toBe(8 << 20);
  });

  it("says where truncated data ends", () => {
    const data = readFileSync(join(DIR, "numpy-2.4.6/arrays.joblib.lzma"));
    expect(() => decodeLzmaAlone(data.subarray(0, 200), 1 << 30, tooBig)).toThrow(
      new LzmaError("data ends at byte 200"),
    );
  });
});
