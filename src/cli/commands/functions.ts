import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { parseAllDocuments } from "yaml";
import { ErrorCodes, ModelserveError } from "../../errors.js";
import type { ServeFunction } from "../../sdk/function.js";
import type { NewFunctionOptions } from "../../sdk/project.js";
import { openProject } from "../options.js";
import { type Column, formatTable, type OutputOptions, output, shortTime } from "../output.js";

const COLUMNS: Column<ServeFunction>[] = [
  { header: "NAME", value: (f) => f.name },
  { header: "KIND", value: (f) => f.kind },
  { header: "VERSION", value: (f) => f.id },
  { header: "CREATED", value: (f) => shortTime(f.entity.metadata.created) },
  { header: "MODEL", value: (f) => pathOrUrl(f) },
];

function pathOrUrl(f: ServeFunction): string | undefined {
  const spec = f.spec as { path?: string; url?: string };
  return spec.path ?? spec.url;
}

function table(functions: readonly ServeFunction[]): string {
  return formatTable(functions, COLUMNS);
}

/**
 * A spec file holds one function per YAML document, either flat like `newFunction()` takes it
 * (`{name, kind, path, ...}`) or in the wire shape (`{kind, name | metadata.name, spec: {...}}`).
 */
export function functionOptionsFromDocument(doc: unknown, where: string): NewFunctionOptions {
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    throw new ModelserveError(
      ErrorCodes.USAGE,
      `${where}: expected a mapping with name, kind and the spec fields`,
    );
  }
  const { spec, metadata, ...top } = doc as Record<string, unknown>;
  if (spec === undefined) return top as unknown as NewFunctionOptions;
  const meta = (metadata ?? {}) as Record<string, unknown>;
  const entity: Record<string, unknown> = { kind: top.kind, name: top.name ?? meta.name };
  for (const key of ["description", "labels", "embedded"] as const) {
    if (meta[key] !== undefined) entity[key] = meta[key];
  }
  if (top.id !== undefined) entity.uuid = top.id;
  return { ...entity, ...(spec as object) } as unknown as NewFunctionOptions;
}

function readSpecFile(file: string): NewFunctionOptions[] {
  let text: string;
  try {
    text = readFileSync(file === "-" ? 0 : file, "utf8");
  } catch (e) {
    throw new ModelserveError(ErrorCodes.USAGE, `cannot read ${file}: ${(e as Error).message}`);
  }
  const docs = parseAllDocuments(text);
  const options: NewFunctionOptions[] = [];
  for (const [i, doc] of (Array.isArray(docs) ? docs : [docs]).entries()) {
    if (doc.errors.length > 0) {
      throw new ModelserveError(ErrorCodes.USAGE, `${file}: invalid YAML: ${doc.errors[0].message}`);
    }
    const value = doc.toJS();
    if (value === null || value === undefined) continue;
    options.push(functionOptionsFromDocument(value, docs.length > 1 ? `${file} (document ${i + 1})` : file));
  }
  if (options.length === 0) throw new ModelserveError(ErrorCodes.USAGE, `${file} holds no function`);
  return options;
}

export function register(program: Command): void {
  const functions = program
    .command("functions")
    .description("create and inspect functions (model + serving spec)");

  functions
    .command("list")
    .description("list functions (latest version of each name)")
    .option("--all-versions", "every version, not only the latest")
    .option("--json", "print JSON")
    .action(async (opts: OutputOptions & { allVersions?: boolean }, command: Command) => {
      const project = await openProject(command);
      const list = await project.listFunctions({ versions: opts.allVersions ? "all" : "latest" });
      output(opts, list, () => table(list));
    });

  functions
    .command("get")
    .description("show a function: NAME for the latest version, NAME:VERSION for another one")
    .argument("<name[:version]>", "function name, optionally with a version id")
    .option("--json", "print the entity as JSON")
    .option("--yaml", "print the entity as YAML")
    .action(async (nameAndVersion: string, opts: OutputOptions, command: Command) => {
      const project = await openProject(command);
      const [name, version] = nameAndVersion.split(":", 2);
      const fn = await project.getFunction(name, { version });
      output(opts, fn, () => table([fn]));
    });

  functions
    .command("create")
    .description("create functions from a YAML spec file (a new version when the name exists)")
    .requiredOption("-f, --file <path>", "spec file, - for stdin; one function per YAML document")
    .option("--json", "print JSON")
    .action(async (opts: OutputOptions & { file: string }, command: Command) => {
      const specs = readSpecFile(opts.file);
      const project = await openProject(command, { create: true });
      // one document: its errors without the [index] prefix
      const created =
        specs.length === 1 ? [await project.newFunction(specs[0])] : await project.newFunctions(specs);
      output(opts, created, () => table(created));
    });
}
