/** Byte → string decoding tuned for the many short ASCII keys a pickle holds. */

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Decodes bytes[start, end) as UTF-8; undefined when invalid. Short ASCII strings skip TextDecoder. */
export function decodeUtf8(bytes: Uint8Array, start: number, end: number): string | undefined {
  if (end - start <= 32) {
    let s = "";
    for (let i = start; i < end; i++) {
      const c = bytes[i];
      if (c >= 0x80) return decodeWithTextDecoder(bytes, start, end);
      s += String.fromCharCode(c);
    }
    return s;
  }
  return decodeWithTextDecoder(bytes, start, end);
}

function decodeWithTextDecoder(bytes: Uint8Array, start: number, end: number): string | undefined {
  try {
    return utf8.decode(bytes.subarray(start, end));
  } catch {
    return undefined;
  }
}

/** Decodes bytes[start, end) as latin-1 (every byte is one character). */
export function decodeLatin1(bytes: Uint8Array, start: number, end: number): string {
  let s = "";
  if (end - start <= 64) {
    // short lines (GLOBAL names, protocol-0 numbers): a loop beats spreading into fromCharCode
    for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]);
    return s;
  }
  for (let i = start; i < end; i += 8192) {
    s += String.fromCharCode(...bytes.subarray(i, Math.min(end, i + 8192)));
  }
  return s;
}

/** Encodes a latin-1 string back to bytes; undefined when a character is above U+00FF. */
export function encodeLatin1(s: string): Uint8Array | undefined {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) return undefined;
    out[i] = c;
  }
  return out;
}
