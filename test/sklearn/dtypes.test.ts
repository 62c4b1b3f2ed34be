import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { ErrorCodes } from "../../src/errors.js";
import { loadEstimator } from "../../src/sklearn/load.js";
import { describeFidelity, FIXTURES } from "./harness.js";

// Output dtypes other than float64: labels fitted as int32, uint8, int16, float, object strings or bytes;
// encoders, vectorizers and the discretizer with a dtype= parameter; stacked blocks promoted as numpy does.
describeFidelity("dtypes");

it("refuses at load a dtype= it does not produce (float16), naming it", () => {
  const bytes = readFileSync(join(FIXTURES, "runtime/unsupported_dtype_float16.joblib"));
  let error: unknown;
  try {
    loadEstimator(bytes);
  } catch (e) {
    error = e;
  }
  expect(error).toMatchObject({
    code: ErrorCodes.MODEL_UNSUPPORTED,
    message: expect.stringMatching(/OneHotEncoder\(dtype=numpy\.float16\) is not supported/),
  });
});
