import { ClassLabels, registerNumericEstimator } from "../common/index.js";
import {
  decisionArray,
  decisionScores,
  linearPredict,
  linearWeights,
  predictFromScores,
} from "../linear_model/linear.js";

/** liblinear's LinearSVC and LinearSVR: plain linear models once fitted (crammer_singer included). */

registerNumericEstimator("LinearSVC", (state) => {
  const w = linearWeights(state);
  const classes = new ClassLabels(state.get("classes_"), state.owner);
  return {
    methods: {
      predict: (X) => predictFromScores(classes, decisionScores(w, X)),
      decision_function: (X) => decisionArray(decisionScores(w, X)),
    },
  };
});

registerNumericEstimator("LinearSVR", (state) => {
  const w = linearWeights(state);
  return { methods: { predict: (X) => linearPredict(w, X) } };
});
