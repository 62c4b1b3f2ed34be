import { registerDataClass } from "./estimator.js";

/**
 * scikit-learn's LabelBinarizer, pickled inside RidgeClassifier(CV) and MLPClassifier (`_label_binarizer`).
 * It only encodes targets (it never transforms X), so it is registered once, here, as data: the estimators
 * read `y_type_` from it. No other module may register it again.
 */
registerDataClass("LabelBinarizer");
