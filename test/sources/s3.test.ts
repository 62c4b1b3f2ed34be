import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchModel, SourceError } from "../../src/sources/index.js";
import { parseS3Uri, s3ClientFromEnv } from "../../src/sources/s3.js";
import { type Minio, startMinio } from "./minio.js";

const model = Buffer.from("a scikit-learn pickle would be here");
const mlmodel = Buffer.from("flavors:\n  sklearn: {}\n");

describe("s3:// against a real MinIO server", () => {
  let minio: Minio;
  let home: string;
  const env = () => ({
    AWS_ENDPOINT_URL: minio.endpoint,
    AWS_ACCESS_KEY_ID: minio.accessKey,
    AWS_SECRET_ACCESS_KEY: minio.secretKey,
    AWS_REGION: "us-east-1",
  });

  beforeAll(async () => {
    minio = await startMinio();
    home = await mkdtemp(join(tmpdir(), "ms-s3-"));
    const s3 = s3ClientFromEnv(env());
    await s3.send(new CreateBucketCommand({ Bucket: "models" }));
    const put = (Key: string, Body: Buffer) => s3.send(new PutObjectCommand({ Bucket: "models", Key, Body }));
    await put("iris/model.pkl", model);
    await put("mlflow/iris/MLmodel", mlmodel);
    await put("mlflow/iris/model.pkl", model);
    await put("mlflow/iris/sub/conda.yaml", Buffer.from("name: x"));
  }, 60_000);
  afterAll(async () => minio?.stop());

  it("parses s3 URIs", () => {
    expect(parseS3Uri("s3://b/a/k.pkl")).toEqual({ bucket: "b", key: "a/k.pkl" });
    expect(() => parseS3Uri("s3:/nope")).toThrow(SourceError);
  });

  it("downloads a single model file, keeping its name", async () => {
    const path = await fetchModel("s3://models/iris/model.pkl", { home, env: env() });
    expect(basename(path)).toBe("model.pkl");
    expect(await readFile(path)).toEqual(model);
  });

  it("downloads a folder model from a prefix, with or without the trailing slash", async () => {
    for (const uri of ["s3://models/mlflow/iris/", "s3://models/mlflow/iris"]) {
      const dir = await fetchModel(uri, { home, env: env() });
      expect(await readFile(join(dir, "MLmodel"))).toEqual(mlmodel);
      expect(await readFile(join(dir, "sub", "conda.yaml"), "utf8")).toBe("name: x");
    }
  });

  it("reuses the cache when the object did not change", async () => {
    const a = await fetchModel("s3://models/iris/model.pkl", { home, env: env() });
    const entries = await readdir(join(home, "cache"));
    const b = await fetchModel("s3://models/iris/model.pkl", { home, env: env() });
    expect(b).toBe(a);
    expect(await readdir(join(home, "cache"))).toEqual(entries);
  });

  it("names the missing object", async () => {
    await expect(fetchModel("s3://models/iris/missing.pkl", { home, env: env() })).rejects.toThrow(
      /s3:\/\/models\/iris\/missing\.pkl.*nothing under "iris\/missing\.pkl"/,
    );
    await expect(fetchModel("s3://no-bucket/x.pkl", { home, env: env() })).rejects.toThrow(SourceError);
  });

  it("says access is denied with wrong credentials", async () => {
    const bad = { ...env(), AWS_SECRET_ACCESS_KEY: "wrong-secret" };
    await expect(fetchModel("s3://models/iris/model.pkl", { home, env: bad })).rejects.toThrow(
      /access denied/,
    );
  });
});
