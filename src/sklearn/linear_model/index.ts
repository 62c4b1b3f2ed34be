import "./regressors.js";
import "./glm.js";
import "./classifiers.js";
import "./discriminant.js";
