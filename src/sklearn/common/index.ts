export {
  globalName,
  isNDArray,
  isPyObject,
  stateMap,
  toFloat64,
  toInt32,
  toMatrix,
  toNumber,
} from "./convert.js";
export { argminRows, euclideanDistances, nearestEuclidean, squaredRowNorms } from "./distances.js";
export { BOOL, FLOAT32, FLOAT64, INT32, INT64, OBJECT } from "./dtypes.js";
export { EstimatorStateError, InvalidInputError, UnsupportedEstimatorError } from "./errors.js";
export {
  featureNamesIn,
  type MatrixMethod,
  type NumericEstimatorSpec,
  numericEstimator,
  registerDataClass,
  registerNumericEstimator,
} from "./estimator.js";
export { allFinite, checkFinite, type InputOptions, inputMatrix } from "./input.js";
export { ClassLabels } from "./labels.js";
export { fastLogdet, inverse } from "./linalg.js";
export * from "./math.js";
export * from "./ndarray.js";
export { State } from "./state.js";
