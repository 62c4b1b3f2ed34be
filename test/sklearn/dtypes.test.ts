import { describeFidelity } from "./harness.js";

// Output dtypes other than float64: labels fitted as int32, uint8, int16, float, object strings or bytes;
// encoders, vectorizers and the discretizer with a dtype= parameter.
describeFidelity("dtypes");
