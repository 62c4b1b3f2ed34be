import { describeFidelity } from "./harness.js";

describeFidelity("svm");
