import { describeFidelity } from "./harness.js";

describeFidelity("cluster");
