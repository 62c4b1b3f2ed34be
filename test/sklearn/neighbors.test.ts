import { describeFidelity } from "./harness.js";

describeFidelity("neighbors");
