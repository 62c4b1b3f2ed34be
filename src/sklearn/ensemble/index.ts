import "./forest.js";
import "./gradient_boosting.js";
import "./hist_predictor.js";
import "./hist_gradient_boosting.js";
import "./weight_boosting.js";
import "./bagging.js";
import "./iforest.js";
