import { registerNumericEstimator } from "../common/index.js";
import { linearPredict, linearWeights } from "./linear.js";

/**
 * Regressors whose predict is `X @ coef_.T + intercept_`: least squares, penalised, robust, Bayesian and
 * online variants only differ in how they were fitted.
 */
const LINEAR_REGRESSORS = [
  "LinearRegression",
  "Ridge",
  "RidgeCV",
  "Lasso",
  "LassoCV",
  "ElasticNet",
  "ElasticNetCV",
  "MultiTaskLasso",
  "MultiTaskElasticNet",
  "Lars",
  "LassoLars",
  "LassoLarsIC",
  "OrthogonalMatchingPursuit",
  "BayesianRidge",
  "ARDRegression",
  "HuberRegressor",
  "QuantileRegressor",
  "TheilSenRegressor",
  "SGDRegressor",
  "PassiveAggressiveRegressor",
];

for (const name of LINEAR_REGRESSORS) {
  registerNumericEstimator(name, (state) => {
    const w = linearWeights(state);
    return { methods: { predict: (X) => linearPredict(w, X) }, finiteCheckedByMethod: true };
  });
}
