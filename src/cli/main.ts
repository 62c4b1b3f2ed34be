import { Command, CommanderError } from "commander";
import { isModelserveError } from "../errors.js";
import { VERSION } from "../version.js";

/** Builds the CLI program; each command group lives in its own module and registers itself here. */
export function buildProgram(): Command {
  const program = new Command("modelserve")
    .description(
      "Serve machine-learning models over the Open Inference Protocol (V2), locally or on Kubernetes.",
    )
    .version(VERSION, "-v, --version")
    .showHelpAfterError()
    .exitOverride();
  return program;
}

/** Runs the CLI and returns the process exit code (0 ok, 1 failure, 2 usage error). */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: "user" });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? 0 : 2;
    }
    if (isModelserveError(e)) {
      process.stderr.write(`modelserve: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
