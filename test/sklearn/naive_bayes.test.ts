import { describeFidelity } from "./harness.js";

describeFidelity("naive_bayes");
