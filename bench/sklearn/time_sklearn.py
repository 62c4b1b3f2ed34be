"""scikit-learn's side of the benchmark: prints one JSON object of timings for the models in DIR (argv[1]).

single_ms: median latency of predict on one row; batch_rows_per_s: rows per second of predict on the
10,000-row batch (best of 3); load_ms: pickle.load of the ~100 MB forest, file read included (best of 3).
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

warnings.filterwarnings("ignore")
d = sys.argv[1]
single_reps = int(sys.argv[2]) if len(sys.argv) > 2 else 300
MODELS = ["logistic_regression", "random_forest_100", "hist_gradient_boosting_100", "pipeline_column_transformer"]


def batch_input(name):
    with open(os.path.join(d, f"{name}.json")) as f:
        meta = json.load(f)
    if meta["kind"] == "table":
        return pd.DataFrame(dict(zip(meta["names"], meta["columns"])))
    return np.fromfile(os.path.join(d, f"{name}.X.f64"), dtype="<f8").reshape(meta["shape"])


result = {}
for name in MODELS:
    model = joblib.load(os.path.join(d, f"{name}.joblib"))
    X = batch_input(name)
    row = X.iloc[:1] if isinstance(X, pd.DataFrame) else X[:1]
    for _ in range(20):
        model.predict(row)
    times = []
    for _ in range(single_reps):
        t = time.perf_counter()
        model.predict(row)
        times.append(time.perf_counter() - t)
    batch = []
    for _ in range(3):
        t = time.perf_counter()
        model.predict(X)
        batch.append(time.perf_counter() - t)
    result[name] = {"single_ms": statistics.median(times) * 1e3, "batch_rows_per_s": len(X) / min(batch)}

loads = []
for _ in range(3):
    t = time.perf_counter()
    with open(os.path.join(d, "forest_100mb.pkl"), "rb") as f:
        pickle.load(f)
    loads.append(time.perf_counter() - t)
result["forest_100mb"] = {"load_ms": min(loads) * 1e3}
print(json.dumps(result))
