import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "lossless-json";

/**
 * The requests of the benchmark, made from each model's own `serving_input_example.json` (what MLflow
 * tells its users to send): one row, and `rows` rows (the example's rows repeated) for the batch. Numbers
 * keep their text (`3.0` stays a float literal), as both servers read it as Python does.
 */

export interface Workload {
  single: string;
  batch: string;
}

type Example = Record<string, unknown>;

function withRows(example: Example, rows: number): Example {
  if ("dataframe_split" in example) {
    const split = example.dataframe_split as { columns?: unknown[]; data: unknown[][] };
    const data = Array.from({ length: rows }, (_, i) => split.data[i % split.data.length]);
    return { dataframe_split: { columns: split.columns, data } };
  }
  if ("inputs" in example && Array.isArray(example.inputs)) {
    const inputs = example.inputs as unknown[];
    return { inputs: Array.from({ length: rows }, (_, i) => inputs[i % inputs.length]) };
  }
  throw new Error(`serving_input_example.json holds ${Object.keys(example).join(", ")}: no rows to repeat`);
}

export function workloadOf(folder: string, batchRows: number): Workload {
  const example = parse(readFileSync(join(folder, "serving_input_example.json"), "utf8")) as Example;
  return {
    single: stringify(withRows(example, 1)) as string,
    batch: stringify(withRows(example, batchRows)) as string,
  };
}
