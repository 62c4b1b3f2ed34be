import { join, posix } from "node:path";
import type { Readable } from "node:stream";
import {
  type _Object,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import type { ModelCache } from "./cache.js";
import { writeStream } from "./download.js";
import { SourceError } from "./errors.js";
import type { ProgressListener } from "./progress.js";

/** `s3://bucket/key`: one object (a model file) or, when no object has that key, every object under it as a folder. */
export interface S3Location {
  bucket: string;
  key: string;
}

export function parseS3Uri(uri: string): S3Location {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!m) throw new SourceError(uri, `not an s3 URI: ${uri} (expected s3://bucket/key)`);
  return { bucket: m[1], key: m[2] };
}

/**
 * An S3 client configured as the AWS tools do, from the standard environment variables:
 * AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, AWS_REGION or AWS_DEFAULT_REGION, and
 * AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL for S3-compatible servers (MinIO…), which use path-style URLs.
 */
export function s3ClientFromEnv(env: NodeJS.ProcessEnv): S3Client {
  const endpoint = env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL ?? env.S3_ENDPOINT_URL;
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  return new S3Client({
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1",
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
    ...(accessKeyId && secretAccessKey
      ? { credentials: { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN } }
      : {}),
  });
}

export async function fetchS3(
  uri: string,
  client: S3Client,
  cache: ModelCache,
  onProgress?: ProgressListener,
): Promise<string> {
  const { bucket, key } = parseS3Uri(uri);
  const single = key && !key.endsWith("/") ? await headObject(uri, client, bucket, key) : undefined;
  if (single) {
    const name = posix.basename(key);
    const dir = await cache.entry(`s3\n${bucket}\n${key}\n${single.etag}`, (tmp) =>
      download(uri, client, bucket, key, join(tmp, name), single.size, onProgress),
    );
    return join(dir, name);
  }
  const prefix = key === "" || key.endsWith("/") ? key : `${key}/`;
  const objects = await listAll(uri, client, bucket, prefix);
  if (objects.length === 0) {
    throw new SourceError(
      uri,
      `no object and no folder at ${uri}: bucket "${bucket}" has nothing under "${key}"`,
      {
        status: 404,
      },
    );
  }
  const identity = objects.map((o) => `${o.Key}\n${o.ETag}\n${o.Size}`).join("\n");
  return cache.entry(`s3\n${bucket}\n${prefix}\n${identity}`, async (tmp) => {
    for (const o of objects) {
      const rel = o.Key!.slice(prefix.length);
      if (rel === "" || rel.endsWith("/")) continue; // folder markers
      await download(uri, client, bucket, o.Key!, join(tmp, ...rel.split("/")), o.Size, onProgress);
    }
  });
}

async function headObject(
  uri: string,
  client: S3Client,
  bucket: string,
  key: string,
): Promise<{ etag: string; size: number | undefined } | undefined> {
  try {
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return { etag: head.ETag ?? String(head.LastModified?.getTime()), size: head.ContentLength };
  } catch (e) {
    if (statusOf(e) === 404) return undefined;
    throw s3Error(uri, `s3://${bucket}/${key}`, e);
  }
}

async function listAll(uri: string, client: S3Client, bucket: string, prefix: string): Promise<_Object[]> {
  const out: _Object[] = [];
  let token: string | undefined;
  do {
    try {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
      );
      out.push(...(page.Contents ?? []));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } catch (e) {
      throw s3Error(uri, `s3://${bucket}/${prefix}`, e);
    }
  } while (token);
  return out.sort((a, b) => (a.Key! < b.Key! ? -1 : 1));
}

async function download(
  uri: string,
  client: S3Client,
  bucket: string,
  key: string,
  target: string,
  size: number | undefined,
  onProgress?: ProgressListener,
): Promise<void> {
  let body: Readable;
  try {
    const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    body = res.Body as Readable;
    size = res.ContentLength ?? size;
  } catch (e) {
    throw s3Error(uri, `s3://${bucket}/${key}`, e);
  }
  await writeStream(uri, key, body, target, size, onProgress);
}

function statusOf(e: unknown): number | undefined {
  return e instanceof S3ServiceException ? e.$metadata.httpStatusCode : undefined;
}

function s3Error(uri: string, object: string, e: unknown): SourceError {
  const status = statusOf(e);
  const why =
    status === 403
      ? "access denied (check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY and the bucket policy)"
      : status === 404
        ? "not found (no such bucket or key)"
        : (e as Error).message;
  return new SourceError(uri, `cannot fetch ${object}: ${why}`, { cause: e, status });
}
