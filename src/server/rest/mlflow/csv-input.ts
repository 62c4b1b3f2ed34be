import { CsvError, parse } from "csv-parse/sync";
import type { Frame, FrameColumn } from "../../../mlflow/pyfunc.js";
import type { PyJson } from "../../../mlflow/python-json.js";
import { BadRequestError } from "../../errors.js";
import { frameColumn } from "./infer-dtypes.js";

/**
 * `text/csv` bodies of /invocations, read as mlflow reads them: `pandas.read_csv` with its defaults. The
 * first row names the columns (an empty name becomes `Unnamed: i`, a repeated one `name.1`); rows wider
 * than the header have their leading fields as the index (as `DataFrame.to_csv()` writes it), narrower
 * rows are padded with NaN; each column then gets the dtype pandas' parser infers from its text: int64,
 * float64 (with NaN for pandas' missing-value spellings), bool, or strings.
 */

/** pandas' default `na_values`: these fields are missing values, not text. */
const NA_VALUES = new Set([
  "",
  "#N/A",
  "#N/A N/A",
  "#NA",
  "-1.#IND",
  "-1.#QNAN",
  "-NaN",
  "-nan",
  "1.#IND",
  "1.#QNAN",
  "<NA>",
  "N/A",
  "NA",
  "NULL",
  "NaN",
  "None",
  "n/a",
  "nan",
  "null",
]);

const INTEGER = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INFINITY = /^([+-]?)inf(?:inity)?$/i;
const TRUE_VALUES = new Set(["True", "TRUE", "true"]);
const FALSE_VALUES = new Set(["False", "FALSE", "false"]);

/** mlflow's refusal of a CSV body pandas could not read. */
export function csvError(reason: string, note?: string): BadRequestError {
  return new BadRequestError(
    "Failed to parse input as a Pandas DataFrame. Ensure that the input is a valid CSV-formatted Pandas " +
      `DataFrame produced using the \`pandas.DataFrame.to_csv()\` method. Error: '${reason}'` +
      (note === undefined ? "" : ` (${note})`),
  );
}

function parseFloatField(text: string): number | undefined {
  if (FLOAT.test(text)) return Number(text);
  const inf = INFINITY.exec(text);
  if (inf !== null) return inf[1] === "-" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  return undefined;
}

/** The values pandas' parser makes of one column's fields (undefined: a missing field). */
function columnValues(fields: readonly (string | undefined)[], asText: boolean): PyJson[] {
  const present: string[] = [];
  for (const f of fields) if (f !== undefined && !NA_VALUES.has(f)) present.push(f.trim());
  const missing = present.length < fields.length;
  const isMissing = (f: string | undefined): f is undefined => f === undefined || NA_VALUES.has(f);
  if (asText) return fields.map((f) => (isMissing(f) ? Number.NaN : f));
  if (present.every((f) => INTEGER.test(f))) {
    // an int column with a missing field is float64; one without stays ints (int64, uint64 or object)
    return fields.map((f) => (isMissing(f) ? Number.NaN : missing ? Number(f.trim()) : BigInt(f.trim())));
  }
  if (present.every((f) => parseFloatField(f) !== undefined)) {
    return fields.map((f) => (isMissing(f) ? Number.NaN : (parseFloatField(f.trim()) as number)));
  }
  if (present.every((f) => TRUE_VALUES.has(f) || FALSE_VALUES.has(f))) {
    return fields.map((f) => (isMissing(f) ? Number.NaN : TRUE_VALUES.has(f)));
  }
  return fields.map((f) => (isMissing(f) ? Number.NaN : f));
}

/** Header names as pandas makes them unique: `Unnamed: i` for empty ones, `.1`, `.2` for repeats. */
function columnNames(header: readonly string[]): string[] {
  const used = new Set<string>();
  return header.map((raw, i) => {
    let name = raw === "" ? `Unnamed: ${i}` : raw;
    for (let n = 1; used.has(name); n++) name = `${raw}.${n}`;
    used.add(name);
    return name;
  });
}

/**
 * `textColumns`: the columns a signature types as strings, which mlflow reads with `dtype=str` (so
 * "0012" stays "0012").
 */
export function decodeCsvScoringRequest(text: string, textColumns: ReadonlySet<string> = new Set()): Frame {
  let records: string[][];
  try {
    records = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true }) as string[][];
  } catch (e) {
    if (e instanceof CsvError) throw csvError(e.message);
    throw e;
  }
  if (records.length === 0) throw csvError("No columns to parse from file");
  const names = columnNames(records[0]);
  const rows = records.slice(1);
  // fields beyond the header's in the first row are the index, as pandas' index_col=None decides
  const indexFields = rows.length > 0 ? Math.max(0, rows[0].length - names.length) : 0;
  const width = names.length + indexFields;
  for (let r = 0; r < rows.length; r++) {
    if (rows[r].length > width) {
      throw csvError(
        `Error tokenizing data. C error: Expected ${width} fields in line ${r + 2}, saw ${rows[r].length}`,
      );
    }
  }
  const columns: FrameColumn[] = names.map((name, j) =>
    rows.length === 0
      ? frameColumn(name, [])
      : frameColumn(
          name,
          columnValues(
            rows.map((row) => row[indexFields + j]),
            textColumns.has(name),
          ),
        ),
  );
  return { kind: "frame", rows: rows.length, columns };
}
