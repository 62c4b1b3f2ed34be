/** Parsers for the text opcodes of pickle protocol 0 (INT, LONG, FLOAT, STRING, UNICODE). */

type Fail = (message: string) => never;

/** Python refuses int/str conversions of more than 4300 digits; so do we. */
const MAX_DIGITS = 4300;

/** INT ("I01" is True, "I00" False) and LONG ("123L") lines. */
export function parseIntLine(line: string, boolAllowed: boolean, fail: Fail): number | bigint | boolean {
  if (boolAllowed && line === "01") return true;
  if (boolAllowed && line === "00") return false;
  const digits = line.endsWith("L") ? line.slice(0, -1) : line;
  if (digits.length > MAX_DIGITS + 1 || !/^[+-]?\d+$/.test(digits)) {
    fail(`bad integer literal ${JSON.stringify(line.slice(0, 40))}`);
  }
  const n = Number(digits);
  if (Number.isSafeInteger(n)) return n;
  return BigInt(digits);
}

export function parseFloatLine(line: string, fail: Fail): number {
  const t = line.trim();
  if (t === "nan") return Number.NaN;
  if (t === "inf") return Number.POSITIVE_INFINITY;
  if (t === "-inf") return Number.NEGATIVE_INFINITY;
  if (t.length > MAX_DIGITS || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) {
    fail(`bad float literal ${JSON.stringify(line.slice(0, 40))}`);
  }
  return Number(t);
}

const SIMPLE_ESCAPES: Record<string, string> = {
  "\\": "\\",
  "'": "'",
  '"': '"',
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\n": "",
};

/** STRING: a quoted Python 2 str literal with backslash escapes, decoded as latin-1 text. */
export function parsePyStringLiteral(line: string, fail: Fail): string {
  const q = line[0];
  if (line.length < 2 || (q !== "'" && q !== '"') || line[line.length - 1] !== q) {
    fail("STRING argument is not a quoted string");
  }
  const body = line.slice(1, -1);
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== "\\") {
      out += c;
      continue;
    }
    const e = body[++i];
    if (e === undefined) fail("STRING ends with a lone backslash");
    if (e in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[e];
    } else if (e === "x") {
      const hex = body.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) fail("bad \\x escape in STRING");
      out += String.fromCharCode(Number.parseInt(hex, 16));
      i += 2;
    } else if (e >= "0" && e <= "7") {
      let oct = e;
      while (oct.length < 3 && body[i + 1] >= "0" && body[i + 1] <= "7") oct += body[++i];
      out += String.fromCharCode(Number.parseInt(oct, 8) & 0xff);
    } else {
      out += `\\${e}`;
    }
  }
  return out;
}

/** UNICODE: raw-unicode-escape, i.e. latin-1 bytes plus \uXXXX and \UXXXXXXXX escapes. */
export function parseRawUnicodeEscape(line: string, fail: Fail): string {
  // the line was read as latin-1, which is what raw-unicode-escape is outside its escapes
  if (!line.includes("\\")) return line;
  let out = "";
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "\\" && (line[i + 1] === "u" || line[i + 1] === "U")) {
      const width = line[i + 1] === "u" ? 4 : 8;
      const hex = line.slice(i + 2, i + 2 + width);
      if (hex.length !== width || !/^[0-9a-fA-F]+$/.test(hex)) fail("bad \\u escape in UNICODE");
      const cp = Number.parseInt(hex, 16);
      if (cp > 0x10ffff) fail("code point out of range in UNICODE");
      out += String.fromCodePoint(cp);
      i += 1 + width;
    } else {
      out += c;
    }
  }
  return out;
}
