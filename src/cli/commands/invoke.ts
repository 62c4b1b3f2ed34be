import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { ErrorCodes, ModelserveError } from "../../errors.js";
import { openProject } from "../options.js";

interface InvokeCliOptions {
  json?: string;
  model?: string;
  url?: string;
  method?: string;
}

/** `modelserve invoke <run> --json @request.json`: one request to a run's service; the body goes to stdout. */
export function register(program: Command): void {
  program
    .command("invoke")
    .description("send a request to a run's service (default: its V2 infer endpoint) and print the answer")
    .argument("<run>", "run id")
    .option("--json <body>", "JSON body, inline or @file (- for stdin)")
    .option("-m, --model <name>", "model name in the V2 URL (default: the function's model_name)")
    .option("--url <url>", "another URL of the run's service")
    .option("-X, --method <method>", "HTTP method (default: POST with a body, else GET)")
    .action(async (id: string, opts: InvokeCliOptions, command: Command) => {
      const project = await openProject(command);
      const run = await project.getRun(id);
      await run.refresh();
      const json = opts.json === undefined ? undefined : await readJsonArgument(opts.json);
      const res = await run.invoke({ json, model_name: opts.model, url: opts.url, method: opts.method });
      const text = await res.text();
      process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
      if (!res.ok) {
        throw new ModelserveError(ErrorCodes.INFERENCE_FAILED, `the service answered HTTP ${res.status}`);
      }
    });
}

async function readJsonArgument(value: string): Promise<unknown> {
  const source = value === "-" ? "stdin" : value.startsWith("@") ? value.slice(1) : undefined;
  const text =
    value === "-"
      ? await readStdin()
      : source !== undefined
        ? await readFile(source, "utf8").catch(() => {
            throw new ModelserveError(ErrorCodes.USAGE, `cannot read ${source}`);
          })
        : value;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ModelserveError(
      ErrorCodes.USAGE,
      `--json ${source ?? "value"} is not valid JSON: ${(e as Error).message}`,
    );
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
