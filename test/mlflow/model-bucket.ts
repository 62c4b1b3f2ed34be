import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { s3ClientFromEnv } from "../../src/sources/s3.js";
import { startMinio } from "../sources/minio.js";

/**
 * A real S3 server (MinIO) holding MLflow model fixtures in a bucket, each both as a folder
 * (`folders/<name>/…`) and as its zip (`zips/<name>.zip`), with the environment the sources read
 * credentials from and a model cache home.
 */
export interface ModelBucket {
  readonly env: NodeJS.ProcessEnv;
  readonly home: string;
  folderUri(name: string): string;
  zipUri(name: string): string;
  stop(): Promise<void>;
}

/** Uploads `<dir>/<name>/` and `<dir>/<name>.zip` for every name. */
export async function startModelBucket(bucket: string, dir: string, names: string[]): Promise<ModelBucket> {
  const minio = await startMinio();
  const home = await mkdtemp(join(tmpdir(), `ms-${bucket}-s3-`));
  const env = {
    AWS_ENDPOINT_URL: minio.endpoint,
    AWS_ACCESS_KEY_ID: minio.accessKey,
    AWS_SECRET_ACCESS_KEY: minio.secretKey,
    AWS_REGION: "us-east-1",
  };
  const s3 = s3ClientFromEnv(env);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  for (const name of names) {
    for (const file of await readdir(join(dir, name))) {
      const Body = await readFile(join(dir, name, file));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `folders/${name}/${file}`, Body }));
    }
    const Body = await readFile(join(dir, `${name}.zip`));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `zips/${name}.zip`, Body }));
  }
  return {
    env,
    home,
    folderUri: (name) => `s3://${bucket}/folders/${name}/`,
    zipUri: (name) => `s3://${bucket}/zips/${name}.zip`,
    async stop() {
      await minio.stop();
      await rm(home, { recursive: true, force: true });
    },
  };
}
