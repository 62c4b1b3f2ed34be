import "./scalers.js";
import "./encoders.js";
import "./discretization.js";
import "./polynomial.js";
import "./distribution.js";
import "./function_transformer.js";
