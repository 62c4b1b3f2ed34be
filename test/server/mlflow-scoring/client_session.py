"""mlflow's own scoring client against a server: what an MLflow user's code does.

argv: a JSON object {model name: port of a server serving only that model}, the fixtures/mlflow folder.
For each model, `ScoringServerClient(host, port)` pings, reads /version and invokes with the model's
input example as mlflow's client sends it (a DataFrame as dataframe_split, an ndarray as inputs); the
predictions must equal `mlflow.pyfunc.load_model(folder).predict(...)` run here. With sklearn_iris_proba
it also sends `params={"predict_method": "predict_log_proba"}` and compares with scikit-learn's
predict_log_proba. Prints one JSON line: a verdict per check.
"""

import json
import sys
from pathlib import Path

import mlflow.pyfunc
import mlflow.sklearn
import numpy as np
import pandas as pd
from mlflow.models import Model
from mlflow.pyfunc.scoring_server.client import ScoringServerClient
from mlflow.utils.proto_json_utils import cast_df_types_according_to_schema


def example_of(folder: Path):
    info = Model.load(str(folder)).saved_input_example_info
    data = json.loads((folder / info["artifact_path"]).read_text())
    if info["type"] == "dataframe":
        return pd.DataFrame(data["data"], columns=data.get("columns"))
    return np.array(data, dtype=np.float32)


def as_array(predictions):
    if isinstance(predictions, dict):
        return {k: np.asarray(v) for k, v in predictions.items()}
    if isinstance(predictions, pd.DataFrame):
        return predictions.to_numpy()
    return np.asarray(predictions)


def same(a, b) -> bool:
    a, b = as_array(a), as_array(b)
    if isinstance(a, dict) or isinstance(b, dict):
        return isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if a.dtype.kind in "fc" or b.dtype.kind in "fc":
        return a.shape == b.shape and np.allclose(a.astype(float), b.astype(float), rtol=1e-6, atol=1e-9)
    return a.shape == b.shape and bool((a.astype(str) == b.astype(str)).all())


def main():
    ports = json.loads(sys.argv[1])
    fixtures = Path(sys.argv[2])
    report = {}
    for name, port in ports.items():
        folder = fixtures / "models" / name
        client = ScoringServerClient("127.0.0.1", port)
        client.wait_server_ready(timeout=30)
        report["ping"] = "ok"
        report["version"] = client.get_version()
        example = example_of(folder)
        model = mlflow.pyfunc.load_model(str(folder))
        schema = model.metadata.get_input_schema()
        # what the scoring server predicts on: the request's frame cast to the schema while parsing
        parsed = cast_df_types_according_to_schema(example.copy(), schema) if isinstance(example, pd.DataFrame) else example
        expected = model.predict(parsed)
        got = client.invoke(example)["predictions"]
        report[name] = "same predictions" if same(got, expected) else f"differ: {got!r} vs {expected!r}"
        if name == "sklearn_iris_proba":
            method = "predict_log_proba"
            expected = getattr(mlflow.sklearn.load_model(str(folder)), method)(parsed)
            got = client.invoke(example, params={"predict_method": method})["predictions"]
            verdict = "same predictions" if same(got, expected) else f"differ: {got!r} vs {expected!r}"
            report[f"{name}_predict_method"] = verdict
    print(json.dumps(report))


if __name__ == "__main__":
    main()
