"""scikit-learn's side of the tree benchmark.

    python bench.py train OUT_DIR   trains the models, writes OUT_DIR/<model>.pkl and OUT_DIR/X.json (the batch)
    python bench.py time OUT_DIR    times predict and pickle.load, one JSON line (seconds) per model

Synthetic data (make_classification): nothing is downloaded.
"""

import json
import os
import pickle
import sys
import time

import numpy as np
import sklearn
from sklearn.datasets import make_classification
from sklearn.ensemble import (
    GradientBoostingClassifier,
    HistGradientBoostingClassifier,
    RandomForestClassifier,
)

BATCH = 10_000


def median_time(fn, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return float(np.median(times))


MODELS = ("random_forest_100", "hist_gradient_boosting_100", "gradient_boosting_100")


def train(out):
    os.makedirs(out, exist_ok=True)
    X, y = make_classification(n_samples=20_000 + BATCH, n_features=20, n_informative=10, random_state=0)
    Xtr, ytr, Xte = X[:20_000], y[:20_000], X[20_000:]
    models = {
        "random_forest_100": RandomForestClassifier(n_estimators=100, max_depth=12, random_state=0),
        "hist_gradient_boosting_100": HistGradientBoostingClassifier(max_iter=100, early_stopping=False, random_state=0),
        "gradient_boosting_100": GradientBoostingClassifier(n_estimators=100, max_depth=3, random_state=0),
    }
    with open(os.path.join(out, "X.json"), "w") as f:
        json.dump(Xte.tolist(), f)
    for name, est in models.items():
        est.fit(Xtr, ytr)
        with open(os.path.join(out, f"{name}.pkl"), "wb") as f:
            pickle.dump(est, f, protocol=4)


def time_models(out):
    with open(os.path.join(out, "X.json")) as f:
        Xte = np.array(json.load(f))
    for name in MODELS:
        path = os.path.join(out, f"{name}.pkl")
        with open(path, "rb") as f:
            data = f.read()
        est = pickle.loads(data)
        row = Xte[:1]
        est.predict(row)  # warm up
        single = median_time(lambda: est.predict(row), 200)
        batch = median_time(lambda: est.predict(Xte), 5)
        load = median_time(lambda: pickle.loads(data), 5)
        print(json.dumps({"model": name, "sklearn": sklearn.__version__, "single_s": single, "batch_s": batch,
                          "load_s": load, "bytes": len(data)}))


if __name__ == "__main__":
    {"train": train, "time": time_models}[sys.argv[1]](sys.argv[2])
