"""Drives our server with tritonclient's gRPC client (raw contents). Usage: triton_grpc.py HOST:PORT.

Asserts every answer here and prints a JSON summary for the calling test to check as well."""

import json
import sys

import numpy as np
import tritonclient.grpc as grpcclient
from cases import ECHO_CASES, SUM_EXPECTED, SUM_INPUT, check_equal, expect_error


def main(url):
    client = grpcclient.InferenceServerClient(url=url)
    assert client.is_server_live()
    assert client.is_server_ready()
    assert client.is_model_ready("echo")
    server = client.get_server_metadata(as_json=True)
    metadata = client.get_model_metadata("summer", as_json=True)
    assert metadata["inputs"] == [{"name": "x", "datatype": "FP32", "shape": ["-1", "3"]}], metadata

    echoed = {}
    for datatype, array in ECHO_CASES.items():
        tensor = grpcclient.InferInput("t", list(array.shape), datatype)
        tensor.set_data_from_numpy(array)
        result = client.infer("echo", [tensor], request_id=f"id-{datatype}")
        check_equal(datatype, array, result.as_numpy("t"))
        assert result.get_response().id == f"id-{datatype}"
        # get_output(as_json=True) returns None in tritonclient 2.73 (a missing return): read the message
        output = result.get_output("t")
        assert output.datatype == datatype, output
        echoed[datatype] = list(output.shape)

    x = grpcclient.InferInput("x", list(SUM_INPUT.shape), "FP32")
    x.set_data_from_numpy(SUM_INPUT)
    result = client.infer("summer", [x], outputs=[grpcclient.InferRequestedOutput("sum")])
    total = result.as_numpy("sum")
    assert np.array_equal(total, SUM_EXPECTED), total

    not_found = expect_error(lambda: client.infer("ghost", [x]), "StatusCode.NOT_FOUND", "ghost")
    invalid = expect_error(
        lambda: client.infer("summer", [grpcclient.InferInput("y", [1, 3], "FP32").set_data_from_numpy(SUM_INPUT[:1])]),
        "StatusCode.INVALID_ARGUMENT",
        "'y'",
    )
    failed = expect_error(
        lambda: client.infer("echo", [x], parameters={"noop_raise": "model exploded"}),
        "StatusCode.INTERNAL",
        "model exploded",
    )
    assert client.is_server_live()

    index = client.get_model_repository_index(as_json=True)["models"]
    assert {"name": "echo", "state": "READY"} in index, index
    client.unload_model("echo")
    assert not client.is_model_ready("echo")
    client.load_model("echo")
    assert client.is_model_ready("echo")
    print(
        json.dumps(
            {
                "server": server,
                "echoed": echoed,
                "sum": total.ravel().tolist(),
                "errors": [not_found, invalid, failed],
                "index": index,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
