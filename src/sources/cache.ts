import { createHash, randomBytes } from "node:crypto";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";

/**
 * A cache of downloaded models under `$MODELSERVE_HOME/cache`, addressed by the remote content's identity
 * (the URI plus the versions the source reports: S3 ETags, the hub's commit sha). An entry is filled in a
 * private temporary folder and becomes visible with one atomic rename, so a broken or interrupted
 * download never becomes a served model, and two processes filling the same entry cannot mix files.
 */
export class ModelCache {
  constructor(readonly root: string) {}

  /**
   * The folder holding the entry for `identity`, filled by `fill(dir)` the first time. `fill` writes the
   * model into `dir` and must throw on any failure (nothing of it is kept).
   */
  async entry(identity: string, fill: (dir: string) => Promise<void>): Promise<string> {
    const final = join(this.root, createHash("sha256").update(identity).digest("hex"));
    if (await exists(final)) return final;
    await mkdir(this.root, { recursive: true });
    const tmp = join(this.root, `.tmp-${process.pid}-${randomBytes(6).toString("hex")}`);
    await mkdir(tmp);
    try {
      await fill(tmp);
      await rename(tmp, final);
    } catch (e) {
      await rm(tmp, { recursive: true, force: true });
      // Another process may have committed the same entry while we downloaded: theirs is as good as ours.
      if (isRenameCollision(e) && (await exists(final))) return final;
      throw e;
    }
    return final;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function isRenameCollision(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === "ENOTEMPTY" || code === "EEXIST";
}
