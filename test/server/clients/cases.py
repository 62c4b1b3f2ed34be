"""Tensors that the official-client scripts send to the noop "echo" model (identity) and expect back.

Every V2 datatype, with edge values (extremes, 64-bit values beyond 2^53, non-UTF-8 bytes)."""

import numpy as np
from tritonclient.utils import InferenceServerException

ECHO_CASES = {
    "BOOL": np.array([[True, False], [False, True]], dtype=np.bool_),
    "UINT8": np.array([[0, 255]], dtype=np.uint8),
    "UINT16": np.array([[0, 65535]], dtype=np.uint16),
    "UINT32": np.array([[0, 4294967295]], dtype=np.uint32),
    "UINT64": np.array([[0, 2**64 - 1]], dtype=np.uint64),
    "INT8": np.array([[-128, 127]], dtype=np.int8),
    "INT16": np.array([[-32768, 32767]], dtype=np.int16),
    "INT32": np.array([[-(2**31), 2**31 - 1]], dtype=np.int32),
    "INT64": np.array([[-(2**63), 2**53 + 1]], dtype=np.int64),
    "FP16": np.array([[1.0, -2.5, 65504.0]], dtype=np.float16),
    "FP32": np.array([[0.5, -3.25, 1e30]], dtype=np.float32),
    "FP64": np.array([[np.pi, -1e300, 5e-324]], dtype=np.float64),
    "BYTES": np.array([[b"hello", "h\u00e9".encode(), b"\x00\xff"]], dtype=np.object_),
}

# Triton's JSON form carries BYTES as text, so non-UTF-8 bytes need the binary form; 64-bit integers stay
# within 2^53 here (beyond it, see JSON_BIG_INTEGERS).
JSON_CASES = dict(ECHO_CASES)
JSON_CASES["BYTES"] = np.array([[b"hello", "h\u00e9".encode()]], dtype=np.object_)
JSON_CASES["UINT64"] = np.array([[0, 2**53]], dtype=np.uint64)
JSON_CASES["INT64"] = np.array([[-(2**53), 2**53]], dtype=np.int64)

# 64-bit integers beyond 2^53 as JSON numbers, which tritonclient writes exactly.
JSON_BIG_INTEGERS = {
    "UINT64": np.array([[2**64 - 1, 2**53 + 1]], dtype=np.uint64),
    "INT64": np.array([[-(2**63), 2**63 - 1]], dtype=np.int64),
}


def check_equal(datatype, sent, got):
    assert got is not None, f"{datatype}: no output"
    assert got.shape == sent.shape, f"{datatype}: shape {got.shape} != {sent.shape}"
    if datatype == "BYTES":
        # the JSON form gives str, the binary form bytes
        as_bytes = [x.encode() if isinstance(x, str) else bytes(x) for x in got.ravel()]
        assert as_bytes == [bytes(x) for x in sent.ravel()], f"{datatype}: {got!r}"
    else:
        assert got.dtype == sent.dtype, f"{datatype}: dtype {got.dtype} != {sent.dtype}"
        assert np.array_equal(got, sent), f"{datatype}: {got!r} != {sent!r}"


SUM_INPUT = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.5]], dtype=np.float32)
SUM_EXPECTED = np.array([[6.0], [15.5]], dtype=np.float64)


def expect_error(fn, status, fragment):
    """Calls fn, which must fail with this status (an HTTP code or a gRPC status name) and message fragment."""
    try:
        fn()
    except InferenceServerException as e:
        assert e.status() == status, f"status {e.status()} != {status}: {e.message()}"
        assert fragment in e.message(), f"{fragment!r} not in {e.message()!r}"
        return e.message()
    raise AssertionError(f"expected an error with status {status}")
