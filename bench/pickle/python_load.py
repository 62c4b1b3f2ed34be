"""Makes the benchmark's model files (if missing) and times Python's own loading of them (CPU time).

    python bench/pickle/python_load.py OUT_DIR  →  prints JSON {file: {bytes, python_ms}} (median of runs)
"""

import json
import os
import pickle
import sys
import time

import joblib
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier

MODELS = {
    # (n_estimators, n_samples): about 9 MB and 67 MB pickles
    "forest_9mb": (100, 4000),
    "forest_67mb": (300, 12000),
}


def make(out_dir):
    for name, (trees, samples) in MODELS.items():
        pkl = os.path.join(out_dir, f"{name}.pkl")
        if os.path.exists(pkl):
            continue
        X, y = make_classification(n_samples=samples, n_features=20, n_informative=10, n_classes=3, random_state=0)
        model = RandomForestClassifier(n_estimators=trees, random_state=0, n_jobs=2).fit(X, y)
        with open(pkl, "wb") as f:
            pickle.dump(model, f, protocol=5)
        joblib.dump(model, os.path.join(out_dir, f"{name}.joblib"))


def median_ms(fn, runs):
    """Median CPU time of `runs` calls: wall time is meaningless on a machine shared with other jobs."""
    times = []
    for _ in range(runs):
        t = time.process_time()
        fn()
        times.append((time.process_time() - t) * 1000)
    return sorted(times)[len(times) // 2]


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    make(out_dir)
    result = {}
    for name in MODELS:
        for ext in ("pkl", "joblib"):
            path = os.path.join(out_dir, f"{name}.{ext}")
            data = open(path, "rb").read()
            runs = 5 if len(data) > 50e6 else 15
            if ext == "pkl":
                ms = median_ms(lambda: pickle.loads(data), runs)
            else:
                ms = median_ms(lambda: joblib.load(path), runs)
            result[f"{name}.{ext}"] = {"bytes": len(data), "python_ms": round(ms, 2)}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
