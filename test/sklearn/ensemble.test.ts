import { describeFidelity } from "./harness.js";

describeFidelity("ensemble");
