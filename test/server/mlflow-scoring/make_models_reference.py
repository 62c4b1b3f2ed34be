"""Records what mlflow's scoring server answers for the MLflow fixture models (fixtures/mlflow/models).

For each model, the requests an MLflow user sends (its serving_input_example.json; the same rows as
dataframe_records, instances and CSV; a request missing a column; text in a numeric column) go through
`mlflow.pyfunc.scoring_server.invocations` with the model loaded by `mlflow.pyfunc.load_model` and its
input schema, exactly as `mlflow models serve` handles them. The end-to-end test replays them against
our server. Run: /work/venvs/mlflow/bin/python make_models_reference.py
"""

import io
import json
from pathlib import Path

import mlflow
import pandas as pd
from mlflow.exceptions import MlflowException
from mlflow.pyfunc import scoring_server

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "mlflow" / "models"
MODELS = [
    "sklearn_iris_strings",
    "sklearn_iris_proba",
    "sklearn_diabetes",
    "sklearn_pipeline",
    "sklearn_column_types",
    "sklearn_params",
    "sklearn_tensor",
    "sklearn_unnamed_columns",
    "onnx_iris",
    "onnx_named",
]
J = "application/json"


def requests_for(folder: Path):
    if not (folder / "serving_input_example.json").exists():
        return
    example_text = (folder / "serving_input_example.json").read_text()
    example = json.loads(example_text)
    yield "serving_input_example", J, example_text
    if "dataframe_split" in example:
        split = example["dataframe_split"]
        frame = pd.DataFrame(split["data"], columns=split.get("columns"))
        records = frame.to_dict(orient="records")
        yield "dataframe_records", J, json.dumps({"dataframe_records": records})
        yield "instances records", J, json.dumps({"instances": records})
        yield "csv", "text/csv", frame.to_csv(index=False)
        yield "csv with to_csv's index", "text/csv", frame.to_csv()
        if split.get("columns"):
            dropped = {"columns": split["columns"][1:], "data": [row[1:] for row in split["data"]]}
            yield "a column missing", J, json.dumps({"dataframe_split": dropped})
            numeric = [i for i, v in enumerate(split["data"][0]) if isinstance(v, (int, float)) and not isinstance(v, bool)]
            if numeric:
                data = [list(row) for row in split["data"]]
                data[0][numeric[0]] = "not a number"
                yield "text in a numeric column", J, json.dumps({"dataframe_split": {"columns": split["columns"], "data": data}})
    elif "inputs" in example:
        inputs = example["inputs"]
        yield "instances", J, json.dumps({"instances": inputs})
        if isinstance(inputs, list):
            yield "one row", J, json.dumps({"inputs": inputs[:1]})
            yield "ragged rows", J, json.dumps({"inputs": [inputs[0], inputs[0][:1]]})


def answer(model, content_type, body):
    schema = model.metadata.get_input_schema()
    try:
        result = scoring_server.invocations(body.encode("utf-8"), content_type, model, schema)
        return {"status": result.status, "body": result.response}
    except MlflowException as e:
        return {"status": e.get_http_status_code(), "body": e.serialize_as_json()}


def main():
    out = {"versions": {"mlflow": mlflow.__version__, "pandas": pd.__version__}, "models": {}}
    for name in MODELS:
        folder = FIXTURES / name
        model = mlflow.pyfunc.load_model(str(folder))
        out["models"][name] = [
            {"name": label, "content_type": ct, "request": body, **answer(model, ct, body)}
            for label, ct, body in requests_for(folder)
        ]
    path = Path(__file__).with_name("models-reference.json")
    path.write_text(json.dumps(out, indent=1) + "\n")
    print(f"{sum(len(v) for v in out['models'].values())} requests -> {path}")


if __name__ == "__main__":
    main()
