import { describeFidelity } from "./harness.js";

describeFidelity("preprocessing");
