/**
 * Importing this module registers every TypeScript scikit-learn estimator with the class registry
 * (src/sklearn/estimator.ts). Each estimator group adds its one import line here.
 */
import "./common/label_binarizer.js";
import "./common/losses.js";
import "./linear_model/index.js";
import "./svm/index.js";
import "./tree/index.js";
import "./naive_bayes/index.js";
import "./dummy/index.js";
import "./ensemble/index.js";
import "./neighbors/index.js";
import "./neural_network/index.js";
import "./cluster/index.js";
import "./decomposition/index.js";
import "./preprocessing/index.js";
import "./impute/index.js";
import "./feature_selection/index.js";
import "./pipeline/index.js";
import "./compose/index.js";
import "./feature_extraction/index.js";
import "./calibration/index.js";
import "./multiclass/index.js";
import "./multioutput/index.js";
