"""scikit-learn's side of the benchmark, kept running so that run.ts can alternate with it measure by measure.

    python time_sklearn.py DIR

Loads the models in DIR once, then answers one JSON line per request line on stdin:
  {"op": "single", "model": M, "reps": N}  median seconds of predict on one row over N calls
  {"op": "batch", "model": M, "reps": N}   best seconds of predict on the 10,000-row batch over N calls, and
                                           best CPU seconds (process time: every thread of the process)
  {"op": "load", "reps": N}                the same for pickle.load of the ~100 MB forest (file read included)
The first line it prints is {"ready": true, "sklearn": <version>}.
"""

import json
import os
import pickle
import statistics
import sys
import time
import warnings

import joblib
import numpy as np
import pandas as pd
import sklearn

warnings.filterwarnings("ignore")
d = sys.argv[1]
MODELS = ["logistic_regression", "random_forest_100", "hist_gradient_boosting_100", "pipeline_column_transformer"]


def batch_input(name):
    with open(os.path.join(d, f"{name}.json")) as f:
        meta = json.load(f)
    if meta["kind"] == "table":
        return pd.DataFrame(dict(zip(meta["names"], meta["columns"])))
    return np.fromfile(os.path.join(d, f"{name}.X.f64"), dtype="<f8").reshape(meta["shape"])


models = {}
for name in MODELS:
    X = batch_input(name)
    models[name] = (joblib.load(os.path.join(d, f"{name}.joblib")), X, X.iloc[:1] if isinstance(X, pd.DataFrame) else X[:1])


def timed(fn):
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def best(fn, reps):
    """Best wall and best CPU seconds of `reps` calls."""
    walls, cpus = [], []
    for _ in range(reps):
        c, t = time.process_time(), time.perf_counter()
        fn()
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    return {"seconds": min(walls), "cpu": min(cpus)}


def load_forest():
    with open(os.path.join(d, "forest_100mb.pkl"), "rb") as f:
        pickle.load(f)


def answer(req):
    reps = int(req["reps"])
    if req["op"] == "load":
        return best(load_forest, reps)
    model, X, row = models[req["model"]]
    if req["op"] == "single":
        return {"seconds": statistics.median(timed(lambda: model.predict(row)) for _ in range(reps))}
    return best(lambda: model.predict(X), reps)


print(json.dumps({"ready": True, "sklearn": sklearn.__version__}), flush=True)
for line in sys.stdin:
    print(json.dumps(answer(json.loads(line))), flush=True)
