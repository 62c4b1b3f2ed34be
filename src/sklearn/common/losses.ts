import { registerDataClass } from "./estimator.js";

/**
 * scikit-learn's loss and link objects (`sklearn._loss`), pickled inside GLMs, SGD and gradient boosting
 * models. They are data only (the estimators read the link or loss name from them); registering them here,
 * once, lets every estimator group rely on them being allowed.
 */
for (const name of [
  "HalfSquaredError",
  "AbsoluteError",
  "PinballLoss",
  "HuberLoss",
  "HalfPoissonLoss",
  "HalfGammaLoss",
  "HalfTweedieLoss",
  "HalfTweedieLossIdentity",
  "HalfBinomialLoss",
  "ExponentialLoss",
  "HalfMultinomialLoss",
  "IdentityLink",
  "LogLink",
  "LogitLink",
  "HalfLogitLink",
  "MultinomialLogit",
  "Interval",
]) {
  registerDataClass(name);
}
for (const cy of [
  "CyHalfSquaredError",
  "CyAbsoluteError",
  "CyPinballLoss",
  "CyHuberLoss",
  "CyHalfPoissonLoss",
  "CyHalfGammaLoss",
  "CyHalfTweedieLoss",
  "CyHalfTweedieLossIdentity",
  "CyHalfBinomialLoss",
  "CyExponentialLoss",
  "CyHalfMultinomialLoss",
]) {
  registerDataClass(cy);
}
