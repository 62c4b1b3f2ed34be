import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { type Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { SourceError } from "./errors.js";
import type { ProgressListener } from "./progress.js";

/**
 * Streams `body` into `target`, reporting progress, and checks the byte count against the size the source
 * announced: a short read is an error, never a truncated model.
 */
export async function writeStream(
  uri: string,
  object: string,
  body: Readable,
  target: string,
  total: number | undefined,
  onProgress?: ProgressListener,
): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  let received = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      received += chunk.length;
      onProgress?.({ object, received, total });
      done(null, chunk);
    },
  });
  try {
    await pipeline(body, counter, createWriteStream(target));
  } catch (e) {
    throw new SourceError(uri, `download of ${object} from ${uri} failed: ${(e as Error).message}`, {
      cause: e,
    });
  }
  if (total !== undefined && received !== total) {
    throw new SourceError(
      uri,
      `download of ${object} from ${uri} was cut short: got ${received} of ${total} bytes`,
    );
  }
}
