import { homedir } from "node:os";
import { join, resolve } from "node:path";

/** `$MODELSERVE_HOME`, else `~/.modelserve`: where the store and local run folders live. */
export function modelserveHome(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.MODELSERVE_HOME;
  return home !== undefined && home !== "" ? resolve(home) : join(homedir(), ".modelserve");
}

export const DATABASE_FILE = "modelserve.db";
