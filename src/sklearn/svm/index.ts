import "./libsvm.js";
import "./linear.js";
