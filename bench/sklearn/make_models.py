"""Trains the benchmark models with scikit-learn and writes them with their inputs into OUT (argv[1]).

Small models are trained on datasets that ship with scikit-learn; the ~100 MB forest (for load time) is
grown on scikit-learn's make_regression data. Inputs: `<name>.X.f64` (float64, row-major) with
`<name>.json` giving the shape, or for the pipeline a JSON table of columns.
"""

import json
import os
import sys

import joblib
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.datasets import load_breast_cancer, load_iris, make_regression
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier, RandomForestRegressor
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.RandomState(0)
BATCH = 10_000

cancer = load_breast_cancer()
X, y = cancer.data, cancer.target
batch = X[rng.randint(0, len(X), BATCH)]


def save_array_model(name, model):
    joblib.dump(model, os.path.join(out, f"{name}.joblib"))
    batch.astype("<f8").tofile(os.path.join(out, f"{name}.X.f64"))
    with open(os.path.join(out, f"{name}.json"), "w") as f:
        json.dump({"kind": "array", "shape": list(batch.shape)}, f)


save_array_model("logistic_regression", LogisticRegression(max_iter=10000).fit(X, y))
save_array_model("random_forest_100", RandomForestClassifier(n_estimators=100, random_state=0).fit(X, y))
save_array_model("hist_gradient_boosting_100", HistGradientBoostingClassifier(max_iter=100, early_stopping=False, random_state=0).fit(X, y))

iris = load_iris()
df = pd.DataFrame(iris.data, columns=["sepal_length", "sepal_width", "petal_length", "petal_width"])
df["colour"] = np.array(["red", "green", "blue", "red", "green"], dtype=object)[(iris.data[:, 0] * 10).astype(int) % 5]
df["size"] = np.where(iris.data[:, 2] > 4.5, "large", np.where(iris.data[:, 2] > 2, "medium", "small")).astype(object)
num = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
pipe = make_pipeline(
    ColumnTransformer(
        [
            ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), num),
            ("cat", OneHotEncoder(handle_unknown="ignore"), ["colour", "size"]),
        ]
    ),
    LogisticRegression(max_iter=1000),
).fit(df, np.array(iris.target_names)[iris.target])
joblib.dump(pipe, os.path.join(out, "pipeline_column_transformer.joblib"))
rows = df.iloc[rng.randint(0, len(df), BATCH)].reset_index(drop=True)
with open(os.path.join(out, "pipeline_column_transformer.json"), "w") as f:
    json.dump({"kind": "table", "names": list(rows.columns), "columns": [rows[c].tolist() for c in rows.columns]}, f)

# ~100 MB forest for the load-time comparison (plain pickle, protocol 4, as pickle.load reads it)
Xr, yr = make_regression(n_samples=20_000, n_features=20, noise=1.0, random_state=0)
forest = RandomForestRegressor(n_estimators=55, random_state=0, n_jobs=2).fit(Xr, yr)
import pickle  # noqa: E402

with open(os.path.join(out, "forest_100mb.pkl"), "wb") as f:
    pickle.dump(forest, f, protocol=4)
print(f"forest_100mb.pkl: {os.path.getsize(os.path.join(out, 'forest_100mb.pkl')) / 1e6:.1f} MB")
