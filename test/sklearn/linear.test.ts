import { describeFidelity } from "./harness.js";

describeFidelity("linear");
