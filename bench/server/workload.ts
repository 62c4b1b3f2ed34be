/**
 * The one request every target serves: a single-row V2 inference request (an iris-sized FP32 row) to a
 * model named "bench" that echoes its input, as JSON over REST and with typed contents over gRPC.
 */

export const MODEL = "bench";

export const ROW = [5.1, 3.5, 1.4, 0.2];

export const REST_PATH = `/v2/models/${MODEL}/infer`;

export const REST_BODY = JSON.stringify({
  inputs: [{ name: "x", datatype: "FP32", shape: [1, ROW.length], data: ROW }],
});

/** What our server answers to REST_BODY (the id is a UUID, as ours and MLServer generate one). */
export const REST_ANSWER = JSON.stringify({
  model_name: MODEL,
  id: "00000000-0000-4000-8000-000000000000",
  outputs: [{ name: "x", datatype: "FP32", shape: [1, ROW.length], data: ROW }],
});

export const GRPC_REQUEST = {
  model_name: MODEL,
  inputs: [{ name: "x", datatype: "FP32", shape: [1, ROW.length], contents: { fp32_contents: ROW } }],
};
