import { describeFidelity } from "./harness.js";

describeFidelity("compose");
