import { VERSION } from "../../version.js";
import { DATATYPE_NAMES } from "../codecs/datatypes.js";

/**
 * The OpenAPI 3.0 document of the REST API this server speaks: the Open Inference Protocol (V2) plus the
 * repository extension, Triton's binary tensor extension, MLflow's scoring protocol and /metrics. Served at
 * /v2/docs/openapi.json
 * and rendered at /v2/docs.
 */

const json = (schema: object) => ({ "application/json": { schema } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const errorResponse = (description: string) => ({ description, content: json(ref("Error")) });

const modelParam = { name: "model", in: "path", required: true, schema: { type: "string" } };
const versionParam = { name: "version", in: "path", required: true, schema: { type: "string" } };

function modelPaths(suffix: string, operation: (versioned: boolean) => object): Record<string, object> {
  return {
    [`/v2/models/{model}${suffix}`]: operation(false),
    [`/v2/models/{model}/versions/{version}${suffix}`]: operation(true),
  };
}

const params = (versioned: boolean) => (versioned ? [modelParam, versionParam] : [modelParam]);

export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: "3.0.3",
    info: {
      title: "modelserve: Open Inference Protocol (V2)",
      version: VERSION,
      description:
        "Inference over the Open Inference Protocol (V2), as MLServer, KServe and Triton speak it. " +
        'Errors answer {"error": message}: 400 bad request or model not ready, 404 unknown model or version, ' +
        "413 body too large, 500 the model failed, 504 the request timed out. " +
        "Binary tensor extension: send `Inference-Header-Content-Length: <JSON length>` and append the raw " +
        "little-endian tensor bytes after the JSON; inputs carry `parameters.binary_data_size`. Ask for binary " +
        "outputs with `parameters.binary_data_output: true` (request) or `parameters.binary_data: true` (output).",
    },
    tags: [
      { name: "health", description: "Liveness and readiness (answer by status code: 200 yes, 400 no)" },
      { name: "metadata" },
      { name: "inference" },
      { name: "repository", description: "Model repository extension (MLServer/Triton)" },
      {
        name: "mlflow",
        description: "MLflow's scoring protocol, as `mlflow models serve` answers it (MLflow models)",
      },
      { name: "operations" },
    ],
    paths: {
      "/v2": {
        get: {
          tags: ["metadata"],
          summary: "Server metadata",
          responses: { "200": { description: "Server metadata", content: json(ref("ServerMetadata")) } },
        },
      },
      "/v2/health/live": {
        get: {
          tags: ["health"],
          summary: "Server live",
          responses: { "200": { description: "Live", content: json(ref("ServerLive")) } },
        },
      },
      "/v2/health/ready": {
        get: {
          tags: ["health"],
          summary: "Server ready (every model loaded and ready)",
          responses: {
            "200": { description: "Ready", content: json(ref("ServerReady")) },
            "400": { description: "Not ready", content: json(ref("ServerReady")) },
          },
        },
      },
      ...modelPaths("", (versioned) => ({
        get: {
          tags: ["metadata"],
          summary: versioned ? "Metadata of a model version" : "Model metadata",
          parameters: params(versioned),
          responses: {
            "200": { description: "Model metadata", content: json(ref("ModelMetadata")) },
            "400": errorResponse("Model not ready (the message says why, e.g. its load error)"),
            "404": errorResponse("Unknown model or version"),
          },
        },
      })),
      ...modelPaths("/ready", (versioned) => ({
        get: {
          tags: ["health"],
          summary: versioned ? "Model version ready" : "Model ready",
          parameters: params(versioned),
          responses: {
            "200": { description: "Ready", content: json(ref("ModelReady")) },
            "400": { description: "Not ready (state and reason given)", content: json(ref("ModelReady")) },
            "404": errorResponse("Unknown model or version"),
          },
        },
      })),
      ...modelPaths("/infer", (versioned) => ({
        post: {
          tags: ["inference"],
          summary: versioned ? "Inference on a model version" : "Inference",
          parameters: [
            ...params(versioned),
            {
              name: "Inference-Header-Content-Length",
              in: "header",
              required: false,
              description:
                "Binary tensor extension: length of the JSON header; 0 means the body is the raw bytes of the only input",
              schema: { type: "integer", minimum: 0 },
            },
          ],
          requestBody: {
            required: true,
            content: {
              ...json(ref("InferenceRequest")),
              "application/octet-stream": { schema: { type: "string", format: "binary" } },
            },
          },
          responses: {
            "200": {
              description: "Inference response (binary outputs follow the JSON when requested)",
              content: {
                ...json(ref("InferenceResponse")),
                "application/octet-stream": { schema: { type: "string", format: "binary" } },
              },
            },
            "400": errorResponse("Bad request: the message names the input and what was expected"),
            "404": errorResponse("Unknown model or version"),
            "413": errorResponse("Request body larger than the server's limit"),
            "500": errorResponse("The model failed; the message is its error"),
            "504": errorResponse("The inference took longer than the request timeout"),
          },
        },
      })),
      "/v2/repository/index": {
        post: {
          tags: ["repository"],
          summary: "List the models of the repository with their state",
          requestBody: { required: false, content: json(ref("RepositoryIndexRequest")) },
          responses: {
            "200": {
              description: "Models",
              content: json({ type: "array", items: ref("RepositoryIndexEntry") }),
            },
          },
        },
      },
      "/v2/repository/models/{model}/load": {
        post: {
          tags: ["repository"],
          summary: "Load (or reload) a model from the repository",
          parameters: [modelParam],
          responses: {
            "200": { description: "Loaded" },
            "400": errorResponse("The model failed to load"),
            "404": errorResponse("No such model in the repository"),
          },
        },
      },
      "/v2/repository/models/{model}/unload": {
        post: {
          tags: ["repository"],
          summary: "Unload a model",
          parameters: [modelParam],
          responses: { "200": { description: "Unloaded" }, "404": errorResponse("Unknown model") },
        },
      },
      "/invocations": {
        post: {
          tags: ["mlflow"],
          summary: "Predict with the server's MLflow model (or the one named by ?model=)",
          description:
            "Exactly one of dataframe_split, dataframe_records, instances or inputs, with optional params " +
            "(predict_method picks predict_proba, decision_function, …), or a text/csv body. " +
            'Errors answer {"error_code", "message"} as mlflow does.',
          parameters: [
            { name: "model", in: "query", required: false, schema: { type: "string" } },
            { name: "version", in: "query", required: false, schema: { type: "string" } },
          ],
          requestBody: {
            required: true,
            content: {
              ...json(ref("MlflowScoringRequest")),
              "text/csv": { schema: { type: "string" } },
            },
          },
          responses: {
            "200": { description: "Predictions", content: json(ref("MlflowPredictions")) },
            "400": { description: "Bad request or signature violation", content: json(ref("MlflowError")) },
            "404": { description: "No such MLflow model", content: json(ref("MlflowError")) },
            "503": { description: "The model is not ready", content: json(ref("MlflowError")) },
          },
        },
      },
      ...Object.fromEntries(
        ["/ping", "/health"].map((path) => [
          path,
          {
            get: {
              tags: ["mlflow"],
              summary: "Up and ready (mlflow's health check)",
              responses: { "200": { description: "Ready" }, "503": { description: "Not ready" } },
            },
          },
        ]),
      ),
      "/version": {
        get: {
          tags: ["mlflow"],
          summary: "The server's version",
          responses: {
            "200": {
              description: "Version",
              content: { "application/json": { schema: { type: "string" } } },
            },
          },
        },
      },
      "/metrics": {
        get: {
          tags: ["operations"],
          summary: "Prometheus metrics",
          responses: {
            "200": { description: "Metrics", content: { "text/plain": { schema: { type: "string" } } } },
          },
        },
      },
    },
    components: {
      schemas: {
        Error: {
          type: "object",
          required: ["error"],
          properties: { error: { type: "string" }, code: { type: "string" } },
        },
        MlflowScoringRequest: {
          type: "object",
          properties: {
            dataframe_split: {
              type: "object",
              properties: {
                columns: { type: "array", items: { type: "string" } },
                index: { type: "array", items: {} },
                data: { type: "array", items: { type: "array", items: {} } },
              },
            },
            dataframe_records: { type: "array", items: { type: "object", additionalProperties: true } },
            instances: {},
            inputs: {},
            params: { type: "object", additionalProperties: true },
          },
        },
        MlflowPredictions: { type: "object", required: ["predictions"], properties: { predictions: {} } },
        MlflowError: {
          type: "object",
          required: ["error_code", "message"],
          properties: { error_code: { type: "string" }, message: { type: "string" } },
        },
        Parameters: {
          type: "object",
          additionalProperties: true,
          description: "content_type, binary_data_size, binary_data, binary_data_output, …",
        },
        Datatype: { type: "string", enum: DATATYPE_NAMES },
        ServerMetadata: {
          type: "object",
          properties: {
            name: { type: "string" },
            version: { type: "string" },
            extensions: { type: "array", items: { type: "string" } },
          },
        },
        ServerLive: { type: "object", properties: { live: { type: "boolean" } } },
        ServerReady: { type: "object", properties: { ready: { type: "boolean" } } },
        ModelReady: {
          type: "object",
          properties: {
            name: { type: "string" },
            ready: { type: "boolean" },
            state: { type: "string" },
            reason: { type: "string" },
          },
        },
        MetadataTensor: {
          type: "object",
          required: ["name", "datatype", "shape"],
          properties: {
            name: { type: "string" },
            datatype: ref("Datatype"),
            shape: { type: "array", items: { type: "integer" }, description: "-1 is a variable dimension" },
            parameters: ref("Parameters"),
          },
        },
        ModelMetadata: {
          type: "object",
          properties: {
            name: { type: "string" },
            versions: { type: "array", items: { type: "string" } },
            platform: { type: "string" },
            inputs: { type: "array", items: ref("MetadataTensor") },
            outputs: { type: "array", items: ref("MetadataTensor") },
            parameters: ref("Parameters"),
          },
        },
        TensorData: {
          type: "array",
          items: {},
          description:
            "Row-major values, flat or nested; numbers, booleans or strings (BYTES); null is NaN for floats",
        },
        RequestInput: {
          type: "object",
          required: ["name", "shape", "datatype"],
          properties: {
            name: { type: "string" },
            shape: { type: "array", items: { type: "integer", minimum: 0 } },
            datatype: ref("Datatype"),
            parameters: ref("Parameters"),
            data: ref("TensorData"),
          },
        },
        RequestOutput: {
          type: "object",
          required: ["name"],
          properties: { name: { type: "string" }, parameters: ref("Parameters") },
        },
        InferenceRequest: {
          type: "object",
          required: ["inputs"],
          properties: {
            id: { type: "string" },
            parameters: ref("Parameters"),
            inputs: { type: "array", items: ref("RequestInput") },
            outputs: { type: "array", items: ref("RequestOutput") },
          },
        },
        ResponseOutput: {
          type: "object",
          properties: {
            name: { type: "string" },
            shape: { type: "array", items: { type: "integer" } },
            datatype: ref("Datatype"),
            parameters: ref("Parameters"),
            data: ref("TensorData"),
          },
        },
        InferenceResponse: {
          type: "object",
          properties: {
            model_name: { type: "string" },
            model_version: { type: "string" },
            id: { type: "string" },
            parameters: ref("Parameters"),
            outputs: { type: "array", items: ref("ResponseOutput") },
          },
        },
        RepositoryIndexRequest: { type: "object", properties: { ready: { type: "boolean" } } },
        RepositoryIndexEntry: {
          type: "object",
          properties: {
            name: { type: "string" },
            version: { type: "string" },
            state: { type: "string", enum: ["UNKNOWN", "READY", "UNAVAILABLE", "LOADING", "UNLOADING"] },
            reason: { type: "string" },
          },
        },
      },
    },
  };
}
