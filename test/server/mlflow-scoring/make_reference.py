"""Records how mlflow's own scoring server decodes /invocations bodies and answers them.

Each case's body goes through `mlflow.pyfunc.scoring_server.invocations` (mlflow 3.17.2, the venv of
fixtures/mlflow/make_venv.sh) with a model that answers its input unchanged, so the record holds what
pandas / numpy made of the body (kind, dtypes, values), the params, and the exact response (status,
content type, body: `{"predictions": ...}` or mlflow's error payload). The TypeScript decoder is tested
against these records. Run: /work/venvs/mlflow/bin/python make_reference.py
"""

import json
import math
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
from mlflow.exceptions import MlflowException
from mlflow.pyfunc import scoring_server
from mlflow.types import Schema

J = "application/json"
CSV = "text/csv"

CASES = [
    # dataframe_split
    ("split with columns", J, '{"dataframe_split": {"columns": ["a", "b", "c"], "data": [[1, 2.0, "x"], [3, 4.5, "y"]]}}'),
    ("split with index", J, '{"dataframe_split": {"columns": ["a", "b"], "index": [7, 8], "data": [[1, 2], [3, 4]]}}'),
    ("split without columns", J, '{"dataframe_split": {"data": [[1.5, 2], [3, 4]]}}'),
    ("split one column of scalars", J, '{"dataframe_split": {"columns": ["a"], "data": [1, 2, 3]}}'),
    ("split float literals stay float", J, '{"dataframe_split": {"columns": ["a", "b"], "data": [[5.0, 1], [6.0, 2]]}}'),
    ("split ints with None are float", J, '{"dataframe_split": {"columns": ["a"], "data": [[1], [null]]}}'),
    ("split NaN and Infinity literals", J, '{"dataframe_split": {"columns": ["a", "b"], "data": [[NaN, Infinity], [1.5, -Infinity]]}}'),
    ("split bools", J, '{"dataframe_split": {"columns": ["a", "b"], "data": [[true, true], [false, null]]}}'),
    ("split strings with None", J, '{"dataframe_split": {"columns": ["a"], "data": [["x"], [null]]}}'),
    ("split strings mixed with ints", J, '{"dataframe_split": {"columns": ["a"], "data": [["x"], [1]]}}'),
    ("split all None", J, '{"dataframe_split": {"columns": ["a"], "data": [[null], [null]]}}'),
    ("split big ints (uint64)", J, '{"dataframe_split": {"columns": ["a"], "data": [[9223372036854775808], [1]]}}'),
    ("split ints beyond uint64 (object)", J, '{"dataframe_split": {"columns": ["a"], "data": [[18446744073709551616], [1]]}}'),
    ("split int64 beyond 2^53 exact", J, '{"dataframe_split": {"columns": ["a"], "data": [[9007199254740993], [-9223372036854775808]]}}'),
    ("split ragged rows padded", J, '{"dataframe_split": {"columns": ["a", "b"], "data": [[1, 2], [3]]}}'),
    ("split empty data", J, '{"dataframe_split": {"columns": ["a", "b"], "data": []}}'),
    ("split nested list cells", J, '{"dataframe_split": {"columns": ["a"], "data": [[[1, 2]], [[3]]]}}'),
    ("split with params", J, '{"dataframe_split": {"columns": ["a"], "data": [[1]]}, "params": {"predict_method": "predict_proba", "k": 3, "t": 0.5}}'),
    ("split with an unknown key beside", J, '{"dataframe_split": {"columns": ["a"], "data": [[1]]}, "extra": 1}'),
    ("split too few columns", J, '{"dataframe_split": {"columns": ["a"], "data": [[1, 2]]}}'),
    ("split not a dict", J, '{"dataframe_split": [[1, 2]]}'),
    ("split without data", J, '{"dataframe_split": {"columns": ["a"]}}'),
    ("split with an unknown field", J, '{"dataframe_split": {"columns": ["a"], "data": [[1]], "dtype": "int"}}'),
    # dataframe_records
    ("records", J, '{"dataframe_records": [{"a": 1, "b": "x"}, {"a": 2.5, "b": "y"}]}'),
    ("records with missing keys", J, '{"dataframe_records": [{"a": 1}, {"b": 2}]}'),
    ("records bools", J, '{"dataframe_records": [{"a": true}, {"a": false}]}'),
    ("records not a list", J, '{"dataframe_records": {"a": [1, 2]}}'),
    ("records a string", J, '{"dataframe_records": "a"}'),
    # instances
    ("instances rows", J, '{"instances": [[1, 2], [3, 4]]}'),
    ("instances floats", J, '{"instances": [[1, 2.5], [3, 4]]}'),
    ("instances records become columns", J, '{"instances": [{"a": 1, "b": "x"}, {"a": 2, "b": "yy"}]}'),
    ("instances records of unequal columns", J, '{"instances": [{"a": 1, "b": 2}, {"a": 3}]}'),
    ("instances dict of columns", J, '{"instances": {"a": [1, 2], "b": [[1, 2], [3, 4]]}}'),
    ("instances dict of unequal columns", J, '{"instances": {"a": [1, 2], "b": [1]}}'),
    ("instances strings", J, '{"instances": ["a", "bcd"]}'),
    ("instances ragged", J, '{"instances": [[1, 2], [3]]}'),
    # inputs
    ("inputs matrix", J, '{"inputs": [[5.1, 3.5, 1.4, 0.2], [6.2, 2.9, 4.3, 1.3]]}'),
    ("inputs ints", J, '{"inputs": [[1, 2], [3, 4]]}'),
    ("inputs bools and ints", J, '{"inputs": [true, 2]}'),
    ("inputs bools", J, '{"inputs": [true, false]}'),
    ("inputs numbers and strings", J, '{"inputs": [1, "a", 2.5, true]}'),
    ("inputs with None", J, '{"inputs": [1, null]}'),
    ("inputs dict", J, '{"inputs": {"x": [[1.0, 2.0]], "y": [1]}}'),
    ("inputs scalar", J, '{"inputs": 5}'),
    ("inputs empty list", J, '{"inputs": []}'),
    ("inputs 3-d", J, '{"inputs": [[[1, 2]], [[3, 4]]]}'),
    ("inputs with params", J, '{"inputs": [[1.0]], "params": {"a": [1, 2], "b": {"c": true}}}'),
    ("inputs ragged", J, '{"inputs": [[1, 2], [3]]}'),
    # the envelope
    ("two format keys", J, '{"dataframe_split": {"data": [[1]]}, "inputs": [1]}'),
    ("no format key", J, '{"columns": ["a"], "data": [[1]]}'),
    ("empty object", J, "{}"),
    ("a list", J, "[[1, 2]]"),
    ("a number", J, "5"),
    ("not JSON", J, '{"inputs": [1, 2'),
    ("non-ASCII text", J, r'{"dataframe_split": {"columns": ["caf\u00e9", "b"], "data": [["na\u00efve \ud83d\ude00", "\u007f\u0001\t"]]}}'),
    ("non-ASCII instances", J, r'{"instances": ["\u00e9t\u00e9", "\u4e2d\u6587"]}'),
    ("JSON with a charset", "application/json; charset=UTF-8", '{"inputs": [1.5]}'),
    ("latin-1 charset", "application/json; charset=latin-1", '{"inputs": [1]}'),
    ("unknown content type parameter", "application/json; format=pandas-split", '{"inputs": [1]}'),
    ("unsupported content type", "text/plain", "1,2"),
    # CSV
    ("csv", CSV, "a,b,c\n1,2.5,x\n3,4,y\n"),
    ("csv with missing values", CSV, "a,b,c\n1,,x\n,4,\n"),
    ("csv NA spellings", CSV, "a,b\nNA,null\nNone,5\n"),
    ("csv bools", CSV, "a,b\nTrue,true\nFALSE,False\n"),
    ("csv bools with a missing value", CSV, "a,b\nTrue,1\n,2\n"),
    ("csv infinities", CSV, "a\ninf\n-Infinity\n1e3\n"),
    ("csv to_csv index column", CSV, ",a,b\n0,1,2\n1,3,4\n"),
    ("csv index without header", CSV, "a,b\n0,1,2\n1,3,4\n"),
    ("csv short row", CSV, "a,b,c\n1\n2,3,4\n"),
    ("csv long row", CSV, "a,b\n1,2\n3,4,5\n"),
    ("csv duplicate and empty names", CSV, "a,a,,b\n1,2,3,4\n"),
    ("csv quoted fields", CSV, 'a,b\n"1","x,y"\n'),
    ("csv big ints", CSV, "a,b\n18446744073709551615,18446744073709551616\n"),
    ("csv header only", CSV, "a,b\n"),
    ("csv empty", CSV, ""),
    ("csv crlf and blank lines", CSV, "a,b\r\n1,2\r\n\r\n3,4\r\n"),
    ("csv numbers and text", CSV, "a\n1\nx\n"),
]


# (name, input schema as MLmodel stores it, content type, body): parsed with the schema, as for a model
# that has a signature (cast_df_types_according_to_schema, _cast_schema_type, read_csv(dtype=...))
IRIS = '[{"type": "double", "name": "a", "required": true}, {"type": "long", "name": "b", "required": true}]'
TYPES = (
    '[{"type": "double", "name": "d"}, {"type": "float", "name": "f"}, {"type": "long", "name": "l"},'
    ' {"type": "integer", "name": "i"}, {"type": "boolean", "name": "b"}, {"type": "string", "name": "s"}]'
)
F32 = '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 2]}}]'
I64 = '[{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]'
NAMED = (
    '[{"type": "tensor", "name": "x", "tensor-spec": {"dtype": "float32", "shape": [-1, 2]}},'
    ' {"type": "tensor", "name": "y", "tensor-spec": {"dtype": "int32", "shape": [-1]}}]'
)
ONE = '[{"type": "double", "name": "x", "required": true}]'
DATES = '[{"type": "datetime", "name": "t", "required": true}, {"type": "double", "name": "v", "required": true}]'
SCHEMA_CASES = [
    ("schema: ints to double, floats to long (truncated)", IRIS, J, '{"dataframe_split": {"columns": ["a", "b"], "data": [[1, 2.7], [3, -1.5]]}}'),
    ("schema: every column type", TYPES, J, '{"dataframe_split": {"columns": ["d", "f", "l", "i", "b", "s"], "data": [["1.5", 2, 3.0, 4, 1, "x"], [2, 0.1, 5, 6, 0, "y"]]}}'),
    ("schema: records with bools for numbers", TYPES, J, '{"dataframe_records": [{"d": true, "f": false, "l": true, "i": 7, "b": "yes", "s": "z"}]}'),
    ("schema: NaN for a long column", IRIS, J, '{"dataframe_split": {"columns": ["a", "b"], "data": [[1, null]]}}'),
    ("schema: text for a double column", IRIS, J, '{"dataframe_split": {"columns": ["a", "b"], "data": [["x", 1]]}}'),
    ("schema: extra and missing columns left alone", IRIS, J, '{"dataframe_split": {"columns": ["a", "z"], "data": [[1, "q"]]}}'),
    ("schema: float32 tensor from ints", F32, J, '{"inputs": [[1, 2], [3, 4]]}'),
    ("schema: float32 tensor from instances", F32, J, '{"instances": [[1.5, 2], [3, 4]]}'),
    ("schema: float32 tensor from a frame", F32, J, '{"dataframe_split": {"data": [[1, 2.5]]}}'),
    ("schema: int64 tensor from floats", I64, J, '{"inputs": [1.9, -2.9, 3.0]}'),
    ("schema: int64 tensor from text", I64, J, '{"inputs": ["1", "2"]}'),
    ("schema: int64 tensor from None", I64, J, '{"inputs": [1, null]}'),
    ("schema: float32 tensor from text", F32, J, '{"inputs": [["1.5", "x"]]}'),
    ("schema: named tensors from a dict", NAMED, J, '{"inputs": {"x": [[1, 2]], "y": [3.7]}}'),
    ("schema: named tensors from instances records", NAMED, J, '{"instances": [{"x": [1, 2], "y": 3}, {"x": [3, 4], "y": 5}]}'),
    ("schema: unnamed tensor from a dict", F32, J, '{"inputs": {"x": [[1, 2]]}}'),
    ("schema: one named column from a list", ONE, J, '{"inputs": [1, 2, 3]}'),
    ("schema: csv with typed columns", TYPES, CSV, "d,f,l,i,b,s\n1,2,3,4,True,0012\n2.5,0.5,6,7,False,x\n"),
    ("schema: csv text for a double column", IRIS, CSV, "a,b\nx,1\n"),
    ("schema: csv with a datetime column", DATES, CSV, "t,v\n2024-01-01,1\n"),
    ("schema: datetime column from ISO text", DATES, J, '{"dataframe_split": {"columns": ["t", "v"], "data": [["2024-03-26T10:30:00", 1], ["2024-01-20T00:00:05", 2], [null, 3]]}}'),
    ("schema: datetime column with a fraction the first lacks", DATES, J, '{"dataframe_split": {"columns": ["t", "v"], "data": [["2024-03-26T10:30:00", 1], ["2024-01-20T00:00:05.250", 2]]}}'),
    ("schema: datetime column from dates", DATES, J, '{"dataframe_split": {"columns": ["t", "v"], "data": [["2024-03-26", 1], ["2024-01-20", 2]]}}'),
    ("schema: datetime column of mixed formats", DATES, J, '{"dataframe_split": {"columns": ["t", "v"], "data": [["2024-03-26T10:30:00", 1], ["2024-01-20", 2]]}}'),
    ("schema: datetime column from bad text", DATES, J, '{"dataframe_split": {"columns": ["t", "v"], "data": [["soon", 1]]}}'),
]


class Echo:
    """A model that answers its input, recording what it was given."""

    metadata = None

    def predict(self, data, params=None):
        self.seen = (data, params)
        return data


def jsonable(value):
    if isinstance(value, float):
        return "NaN" if math.isnan(value) else ("Infinity" if value == math.inf else "-Infinity" if value == -math.inf else value)
    if isinstance(value, (np.generic,)):
        return jsonable(value.item())
    if isinstance(value, np.ndarray):
        return [jsonable(v) for v in value.tolist()]
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53:
        return {"int": str(value)}
    return value


def column_values(series):
    if series.dtype.kind == "M":
        return [None if pd.isna(t) else t.isoformat() for t in series]
    return jsonable(series.tolist())


def describe(data):
    if isinstance(data, pd.DataFrame):
        return {
            "kind": "frame",
            "rows": len(data),
            "columns": [
                {"name": str(name), "dtype": str(data[name].dtype), "values": column_values(data[name])}
                for name in data.columns
            ],
        }
    if isinstance(data, dict):
        return {"kind": "dict", "arrays": {k: describe(np.asarray(v)) for k, v in data.items()}}
    array = np.asarray(data)
    return {"kind": "array", "dtype": array.dtype.str, "shape": list(array.shape), "data": jsonable(array.ravel().tolist())}


def run(content_type, body, schema_json=None):
    model = Echo()
    schema = None if schema_json is None else Schema.from_json(schema_json)
    try:
        result = scoring_server.invocations(body.encode("utf-8"), content_type, model, schema)
        record = {"status": result.status, "response_content_type": result.mimetype, "body": result.response}
    except MlflowException as e:
        record = {"status": e.get_http_status_code(), "response_content_type": "application/json", "body": e.serialize_as_json()}
    if result_ok(record) and hasattr(model, "seen"):
        data, params = model.seen
        record["decoded"] = describe(data)
        record["params"] = jsonable(params)
    return record


def result_ok(record):
    return record["status"] == 200


def float_reprs():
    """repr() of doubles across every magnitude, float32 values widened, integers, halfway cases."""
    rng = np.random.default_rng(5)
    values = [0.1, 0.5, 1.0, 2.5, 1e-4, 9.999999999999999e-05, 1e16, 9999999999999998.0, 1e22, 5e-324, 2.2250738585072014e-308]
    for exponent in range(-320, 309, 3):
        values.extend(float(m) * 10.0**exponent for m in rng.uniform(1, 10, 3))
    values.extend(float(v) for v in rng.standard_normal(200).astype(np.float32))
    values.extend(float(v) for v in rng.integers(-(2**53), 2**53, 50))
    values.extend(-v for v in values[:100])
    return [[v, repr(v)] for v in values if math.isfinite(v)]


def main():
    cases = [{"name": name, "content_type": ct, "request": body, **run(ct, body)} for name, ct, body in CASES]
    cases += [
        {"name": name, "schema": schema, "content_type": ct, "request": body, **run(ct, body, schema)}
        for name, schema, ct, body in SCHEMA_CASES
    ]
    out = {"versions": {"mlflow": mlflow.__version__, "pandas": pd.__version__, "numpy": np.__version__}, "cases": cases, "float_reprs": float_reprs()}
    path = Path(__file__).with_name("reference.json")
    path.write_text(json.dumps(out, indent=1) + "\n")
    print(f"{len(cases)} cases -> {path}")


if __name__ == "__main__":
    main()
