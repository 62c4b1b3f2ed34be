import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Command, CommanderError, Option } from "commander";
import { ErrorCodes, isModelserveError } from "../errors.js";
import { VERSION } from "../version.js";
import { register as registerFunctions } from "./commands/functions.js";
import { register as registerInvoke } from "./commands/invoke.js";
import { register as registerRun } from "./commands/run.js";
import { register as registerRuns } from "./commands/runs.js";
import { register as registerServe } from "./commands/serve.js";
import { register as registerStart } from "./commands/start.js";
import { DEFAULT_PROJECT } from "./options.js";

/**
 * Builds the CLI program. Each command group lives in src/cli/commands/<name>.ts and exports
 * `register(program)`; adding a group is one import and one line below.
 */
export function buildProgram(): Command {
  const program = new Command("modelserve")
    .description(
      "Serve machine-learning models over the Open Inference Protocol (V2), locally or on Kubernetes.",
    )
    .version(VERSION, "-v, --version")
    .addOption(
      new Option("-p, --project <name>", "project to work in")
        .env("MODELSERVE_PROJECT")
        .default(DEFAULT_PROJECT),
    )
    .showHelpAfterError()
    .exitOverride();
  registerFunctions(program);
  registerRuns(program);
  registerServe(program);
  registerStart(program);
  registerRun(program);
  registerInvoke(program);
  return program;
}

/** Runs the CLI and returns the process exit code (0 ok, 1 failure, 2 usage error). Errors go to stderr. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  let active: Command | undefined;
  program.hook("preAction", (_program, command) => {
    active = command;
  });
  try {
    await program.parseAsync([...argv], { from: "user" });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? 0 : 2;
    }
    if (isModelserveError(e)) {
      // machine-readable errors for commands whose --json flag asks for JSON output
      const json = active?.opts().json === true;
      process.stderr.write(json ? `${JSON.stringify(e.toJSON())}\n` : `modelserve: ${e.message}\n`);
      return e.code === ErrorCodes.USAGE ? 2 : 1;
    }
    process.stderr.write(
      `modelserve: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    return 1;
  }
}

function isEntryPoint(): boolean {
  if (process.argv[1] === undefined) return false;
  try {
    return realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

// `node --import tsx src/cli/main.ts ...` (tests, development); the published bin imports main().
if (isEntryPoint()) process.exitCode = await main(process.argv.slice(2));
