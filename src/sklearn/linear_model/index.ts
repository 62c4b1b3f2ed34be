import "./regressors.js";
import "./glm.js";
import "./classifiers.js";
