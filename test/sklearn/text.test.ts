import { describeFidelity } from "./harness.js";

describeFidelity("text");
