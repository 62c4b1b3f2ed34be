import { describeFidelity } from "./harness.js";

describeFidelity("trees");
