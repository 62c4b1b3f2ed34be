import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, resolve, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import yauzl from "yauzl";
import { ErrorCodes, ModelserveError } from "../errors.js";

/**
 * Unpacks a zipped MLflow model folder. A zip is untrusted input: entries that would land outside the
 * target folder (absolute paths, `..`), symbolic links, and archives whose declared sizes or entry count
 * are absurd are refused before anything is written; yauzl checks that each entry inflates to exactly
 * its declared size, so a lying header cannot inflate past the limit.
 */

export class ArchiveError extends ModelserveError {
  constructor(zip: string, message: string, options?: { cause?: unknown }) {
    super(ErrorCodes.MODEL_LOAD_FAILED, `${zip}: ${message}`, options);
  }
}

export interface ArchiveLimits {
  /** the sum of the entries' uncompressed sizes */
  readonly maxBytes: number;
  readonly maxEntries: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = { maxBytes: 4 * 1024 ** 3, maxEntries: 10_000 };

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

function openZip(path: string): Promise<yauzl.ZipFile> {
  return new Promise((ok, fail) => {
    yauzl.open(path, { lazyEntries: true, validateEntrySizes: true, autoClose: false }, (err, zip) =>
      err ? fail(err) : ok(zip),
    );
  });
}

function entries(zip: yauzl.ZipFile): AsyncGenerator<yauzl.Entry> {
  return (async function* () {
    for (;;) {
      const next = await new Promise<yauzl.Entry | undefined>((ok, fail) => {
        const cleanup = () => {
          zip.off("entry", onEntry);
          zip.off("end", onEnd);
          zip.off("error", onError);
        };
        const onEntry = (e: yauzl.Entry) => {
          cleanup();
          ok(e);
        };
        const onEnd = () => {
          cleanup();
          ok(undefined);
        };
        const onError = (e: Error) => {
          cleanup();
          fail(e);
        };
        zip.on("entry", onEntry);
        zip.on("end", onEnd);
        zip.on("error", onError);
        zip.readEntry();
      });
      if (next === undefined) return;
      yield next;
    }
  })();
}

function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<NodeJS.ReadableStream> {
  return new Promise((ok, fail) =>
    zip.openReadStream(entry, (err, stream) => (err ? fail(err) : ok(stream))),
  );
}

/** Extracts `zipPath` into the existing empty folder `target`. */
export async function extractZip(
  zipPath: string,
  target: string,
  limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
): Promise<void> {
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(zipPath);
  } catch (e) {
    throw new ArchiveError(zipPath, `not a readable zip archive: ${(e as Error).message}`, { cause: e });
  }
  const root = resolve(target);
  try {
    if (zip.entryCount > limits.maxEntries) {
      throw new ArchiveError(
        zipPath,
        `${zip.entryCount} entries, more than the ${limits.maxEntries} allowed`,
      );
    }
    let total = 0;
    for await (const entry of entries(zip)) {
      const name = entry.fileName;
      const dest = resolve(root, name);
      // yauzl already refuses absolute and `..` names; the property is checked here too, not assumed
      if (name.startsWith("/") || (dest !== root && !dest.startsWith(root + sep))) {
        throw new ArchiveError(zipPath, `entry '${name}' would be written outside the model folder`);
      }
      if (((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK) {
        throw new ArchiveError(
          zipPath,
          `entry '${name}' is a symbolic link, which a model archive may not hold`,
        );
      }
      total += entry.uncompressedSize;
      if (total > limits.maxBytes) {
        throw new ArchiveError(zipPath, `its entries unpack to more than ${limits.maxBytes} bytes`);
      }
      if (name.endsWith("/")) {
        await mkdir(dest, { recursive: true });
        continue;
      }
      await mkdir(dirname(dest), { recursive: true });
      await pipeline(await openEntry(zip, entry), createWriteStream(dest, { flags: "wx" }));
    }
  } catch (e) {
    if (e instanceof ArchiveError) throw e;
    throw new ArchiveError(zipPath, `cannot unpack: ${(e as Error).message}`, { cause: e });
  } finally {
    zip.close();
  }
}
