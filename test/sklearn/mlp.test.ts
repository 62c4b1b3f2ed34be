import { describeFidelity } from "./harness.js";

describeFidelity("mlp");
