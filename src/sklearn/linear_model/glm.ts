import { UnsupportedEstimatorError } from "../common/errors.js";
import { isPyObject, registerNumericEstimator, State } from "../common/index.js";
import { linearPredict, linearWeights } from "./linear.js";

/**
 * Generalised linear models (Poisson, Gamma, Tweedie): predict is the inverse link of the linear
 * predictor. The link is read from the pickled loss object (`_base_loss.link`), whose classes differ
 * across scikit-learn versions but always name the link.
 */

type InverseLink = (eta: number) => number;

const INVERSE_LINKS: Record<string, InverseLink> = {
  IdentityLink: (eta) => eta,
  LogLink: Math.exp,
};

function inverseLink(state: State): InverseLink {
  // scikit-learn < 1.1 kept the link itself (`_link_instance`), later releases keep it inside the loss
  const loss = state.has("_base_loss") ? state.object("_base_loss") : undefined;
  const link = loss === undefined ? state.opt("_link_instance") : new State(loss).opt("link");
  const linkName = isPyObject(link) ? link.cls.slice(link.cls.lastIndexOf(".") + 1) : undefined;
  const inverse = linkName === undefined ? undefined : INVERSE_LINKS[linkName];
  if (inverse === undefined) {
    throw new UnsupportedEstimatorError(
      `${state.owner} uses link ${linkName ?? "(none)"}; supported: ${Object.keys(INVERSE_LINKS).join(", ")}`,
    );
  }
  return inverse;
}

for (const name of ["PoissonRegressor", "GammaRegressor", "TweedieRegressor"]) {
  registerNumericEstimator(name, (state) => {
    const w = linearWeights(state);
    const inverse = inverseLink(state);
    return {
      methods: {
        predict: (X) => {
          const eta = linearPredict(w, X);
          (eta.data as Float64Array).forEach((v, i, a) => {
            a[i] = inverse(v);
          });
          return eta;
        },
      },
    };
  });
}
