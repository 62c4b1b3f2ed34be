"""Drives our server with tritonclient's HTTP client: JSON tensors, Triton's binary tensor extension in
and out, and mixes of both. Usage: triton_http.py HOST:PORT [big-integers].

Asserts every answer here and prints a JSON summary for the calling test to check as well."""

import json
import sys

import numpy as np
import tritonclient.http as httpclient
from cases import ECHO_CASES, JSON_BIG_INTEGERS, JSON_CASES, SUM_EXPECTED, SUM_INPUT, check_equal, expect_error


def echo(client, array, datatype, binary_in, binary_out):
    tensor = httpclient.InferInput("t", list(array.shape), datatype)
    tensor.set_data_from_numpy(array, binary_data=binary_in)
    output = httpclient.InferRequestedOutput("t", binary_data=binary_out)
    result = client.infer("echo", [tensor], outputs=[output], request_id=f"id-{datatype}")
    assert result.get_response()["id"] == f"id-{datatype}"
    check_equal(datatype, array, result.as_numpy("t"))
    params = result.get_output("t").get("parameters", {})
    # a binary output announces its size; a JSON one carries `data`
    assert ("binary_data_size" in params) == binary_out, result.get_output("t")


def main(url):
    client = httpclient.InferenceServerClient(url=url)
    assert client.is_server_live()
    assert client.is_server_ready()
    assert client.is_model_ready("echo")
    server = client.get_server_metadata()
    assert "binary_tensor_data" in server["extensions"], server
    metadata = client.get_model_metadata("summer")
    assert metadata["inputs"] == [{"name": "x", "datatype": "FP32", "shape": [-1, 3]}], metadata

    forms = {"json": (False, False), "binary": (True, True), "json-in-binary-out": (False, True), "binary-in-json-out": (True, False)}
    checked = {}
    for form, (binary_in, binary_out) in forms.items():
        cases = ECHO_CASES if binary_in and binary_out else JSON_CASES
        for datatype, array in cases.items():
            echo(client, array, datatype, binary_in, binary_out)
        checked[form] = sorted(cases)

    x = httpclient.InferInput("x", list(SUM_INPUT.shape), "FP32")
    x.set_data_from_numpy(SUM_INPUT, binary_data=False)
    total = client.infer("summer", [x]).as_numpy("sum")
    assert np.array_equal(total, SUM_EXPECTED), total

    not_found = expect_error(lambda: client.infer("ghost", [x]), "404", "ghost")
    y = httpclient.InferInput("y", [1, 3], "FP32")
    y.set_data_from_numpy(SUM_INPUT[:1])
    invalid = expect_error(lambda: client.infer("summer", [y]), "400", "'y'")
    failed = expect_error(lambda: client.infer("echo", [x], parameters={"noop_raise": "model exploded"}), "500", "model exploded")
    assert client.is_server_live()

    index = client.get_model_repository_index()
    assert {"name": "echo", "state": "READY", "reason": ""} in index or {"name": "echo", "state": "READY"} in index, index
    client.unload_model("echo")
    assert not client.is_model_ready("echo")
    client.load_model("echo")
    assert client.is_model_ready("echo")
    print(
        json.dumps(
            {
                "server": server,
                "checked": checked,
                "sum": total.ravel().tolist(),
                "errors": [not_found, invalid, failed],
            }
        )
    )


def big_integers(url):
    """64-bit integers beyond 2^53 sent as JSON numbers must come back exact."""
    client = httpclient.InferenceServerClient(url=url)
    for datatype, array in JSON_BIG_INTEGERS.items():
        echo(client, array, datatype, False, False)
    print(json.dumps({"checked": sorted(JSON_BIG_INTEGERS)}))


if __name__ == "__main__":
    if sys.argv[2:] == ["big-integers"]:
        big_integers(sys.argv[1])
    else:
        main(sys.argv[1])
