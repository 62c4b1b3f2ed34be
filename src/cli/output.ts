import { stringify } from "yaml";

/** Writing command results: a table for people (default), JSON or YAML for machines. */

export interface Column<T> {
  header: string;
  value: (row: T) => string | undefined;
}

/** Left-aligned columns separated by two spaces; empty cells print as "-". */
export function formatTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) => columns.map((c) => c.value(row) ?? "-"));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i].length)));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return `${[line(columns.map((c) => c.header)), ...cells.map(line)].join("\n")}\n`;
}

/** Two columns, field and value, for one entity. */
export function formatFields(fields: ReadonlyArray<readonly [string, string | undefined]>): string {
  const width = Math.max(...fields.map(([name]) => name.length));
  return `${fields.map(([name, value]) => `${`${name}:`.padEnd(width + 1)}  ${value ?? "-"}`).join("\n")}\n`;
}

export function formatJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

export function formatYaml(value: unknown): string {
  return stringify(value);
}

export function write(text: string): void {
  process.stdout.write(text);
}

export interface OutputOptions {
  json?: boolean;
  yaml?: boolean;
}

/** Prints `value` as JSON or YAML when asked, else the human form. */
export function output(options: OutputOptions, value: unknown, human: () => string): void {
  if (options.json) write(formatJson(value));
  else if (options.yaml) write(formatYaml(value));
  else write(human());
}

/** ISO time as "2026-01-31 12:00:00" (UTC), short enough for a table. */
export function shortTime(iso: string | undefined): string | undefined {
  return iso?.replace("T", " ").replace(/\.\d+Z$|Z$/, "");
}
