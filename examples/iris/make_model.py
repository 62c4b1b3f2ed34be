"""Trains the bundled example: a scikit-learn LogisticRegression on the iris dataset (which ships with
scikit-learn), saved as model.pkl. Run with the fixtures' venv: /work/venvs/sk1.9/bin/python make_model.py
"""

import json
import os
import pickle

from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

here = os.path.dirname(os.path.abspath(__file__))
iris = load_iris()
X, y = iris.data, iris.target_names[iris.target]  # string labels: "setosa", "versicolor", "virginica"
model = LogisticRegression(max_iter=1000).fit(X, y)
with open(os.path.join(here, "model.pkl"), "wb") as f:
    pickle.dump(model, f, protocol=4)
rows = X[[0, 50, 100]]
with open(os.path.join(here, "request.json"), "w") as f:
    json.dump(
        {"inputs": [{"name": "input-0", "shape": list(rows.shape), "datatype": "FP64", "data": rows.ravel().tolist()}]},
        f,
        indent=2,
    )
print("predict", model.predict(rows).tolist())
