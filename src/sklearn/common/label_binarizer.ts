import { registerDataClass } from "./estimator.js";

/**
 * scikit-learn's LabelBinarizer, pickled inside RidgeClassifier(CV) and MLPClassifier (`_label_binarizer`).
 * It only encodes targets (it never transforms X), so it is registered as data: the estimators read
 * `y_type_` from it. Other groups that meet it (multiclass) may register it too: data classes are idempotent.
 */
registerDataClass("LabelBinarizer");
