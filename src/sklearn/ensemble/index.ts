import "./forest.js";
import "./gradient_boosting.js";
