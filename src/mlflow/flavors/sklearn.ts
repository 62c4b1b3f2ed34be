import { join } from "node:path";
import { ErrorCodes, ModelserveError } from "../../errors.js";
import { BadRequestError } from "../../server/errors.js";
import type { Estimator, Input, Method, Table } from "../../sklearn/estimator.js";
import "../../sklearn/index.js";
import { FLOAT64 } from "../../sklearn/common/dtypes.js";
import { loadEstimatorFile } from "../../sklearn/load.js";
import { cast, elements, isNumeric, OBJECT } from "../arrays.js";
import { requestedMethod } from "../boosters/flavor-support.js";
import { UnsupportedFlavorError } from "../errors.js";
import {
  type Frame,
  PREDICT_METHOD,
  type PyfuncInput,
  type PyfuncOutput,
  type PyfuncParams,
} from "../pyfunc.js";
import type { Flavor, FlavorContext, FlavorModel } from "./flavor.js";

/**
 * The `sklearn` flavor (pyfunc loader_module mlflow.sklearn): the pickled or cloudpickled estimator read by
 * the safe pickle reader and run by the TypeScript scikit-learn (nothing from the file executes). The
 * method is MLmodel's `predict_fn` (mlflow's `pyfunc_predict_fn`), unless the model setting or the
 * request parameter `predict_method` picks another method the estimator has.
 */

const SERIALIZATIONS = ["pickle", "cloudpickle"] as const;

/** Every method an Estimator may offer, in the order they are listed in messages. */
const METHODS: readonly Method[] = [
  "predict",
  "predict_proba",
  "predict_log_proba",
  "decision_function",
  "transform",
  "score_samples",
];

function isMethod(name: string): name is Method {
  return (METHODS as readonly string[]).includes(name);
}

function shortName(cls: string): string {
  return cls.slice(cls.lastIndexOf(".") + 1);
}

function offered(est: Estimator): string {
  return METHODS.filter((m) => est.methods.has(m)).join(", ");
}

function checkSerialization(context: FlavorContext): void {
  const format = context.conf.serialization_format ?? "pickle";
  if (!(SERIALIZATIONS as readonly unknown[]).includes(format)) {
    throw new UnsupportedFlavorError(
      `${context.dir}: the sklearn flavor saved as '${String(format)}' is not supported (serialization_format ${SERIALIZATIONS.join(" or ")} is: save with mlflow.sklearn.save_model(..., serialization_format="cloudpickle"))`,
      { flavor: "sklearn", serialization_format: format },
    );
  }
}

function modelFile(context: FlavorContext): string {
  const file = context.conf.pickled_model ?? context.pyfuncConf?.model_path;
  if (typeof file !== "string" || file === "" || file.includes("..")) {
    throw new ModelserveError(
      ErrorCodes.MODEL_LOAD_FAILED,
      `${context.dir}: the sklearn flavor's 'pickled_model' (or python_function's 'model_path') must name the model file inside the folder, got ${JSON.stringify(file)}`,
    );
  }
  return join(context.dir, file);
}

/** A frame as scikit-learn sees a DataFrame: numeric columns as float64, others as their values. */
function tableOf(frame: Frame): Table {
  return {
    kind: "table",
    rows: frame.rows,
    columns: frame.columns.map(({ name, values }) => ({
      name,
      values: isNumeric(values) ? (cast(values, FLOAT64).data as Float64Array) : elements(values),
    })),
  };
}

function estimatorInput(input: PyfuncInput): Input {
  if (input.kind === "frame") return tableOf(input);
  // strings as Python objects, the form scikit-learn's encoders and vectorizers read
  if (input.kind === "array") return cast(input.array, isNumeric(input.array) ? FLOAT64 : OBJECT);
  throw new BadRequestError(
    `a scikit-learn model takes a table (content type pd, dataframe_split/records) or one array (np, instances), not named arrays (${Object.keys(input.arrays).join(", ")})`,
  );
}

class SklearnFlavorModel implements FlavorModel {
  /** the estimator's methods, in the order messages list them */
  private readonly methods: ReadonlySet<Method>;
  private readonly what: string;

  constructor(
    private readonly estimator: Estimator,
    private readonly defaultMethod: Method,
  ) {
    this.methods = new Set(METHODS.filter((m) => estimator.methods.has(m)));
    this.what = shortName(estimator.cls);
  }

  predict(input: PyfuncInput, params?: PyfuncParams): PyfuncOutput {
    const method = requestedMethod(this.methods, params, this.defaultMethod, this.what);
    return { kind: "array", array: this.estimator.call(method, estimatorInput(input)) };
  }
}

/** The default method: the model setting, else MLmodel's predict_fn, else predict; checked at load. */
function defaultMethod(context: FlavorContext, est: Estimator): Method {
  const setting = context.options?.[PREDICT_METHOD];
  const fn = setting ?? context.pyfuncConf?.predict_fn ?? "predict";
  const source =
    setting !== undefined ? `the model setting ${PREDICT_METHOD}` : "MLmodel's python_function.predict_fn";
  if (typeof fn !== "string" || !isMethod(fn) || !est.methods.has(fn)) {
    throw new UnsupportedFlavorError(
      `${context.dir}: ${source} is ${JSON.stringify(fn)}, but ${shortName(est.cls)} offers ${offered(est)}`,
      { flavor: "sklearn", predict_fn: fn },
    );
  }
  return fn;
}

export const flavor: Flavor = {
  name: "sklearn",
  async load(context: FlavorContext): Promise<FlavorModel> {
    checkSerialization(context);
    const estimator = await loadEstimatorFile(modelFile(context));
    return new SklearnFlavorModel(estimator, defaultMethod(context, estimator));
  },
};
