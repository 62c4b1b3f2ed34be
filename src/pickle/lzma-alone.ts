/**
 * A decoder for the legacy ".lzma" (LZMA "alone") format that joblib writes with compress="lzma". Python
 * writes it without the uncompressed size, so no header can bound what it expands to: this decoder writes
 * into a buffer it grows itself and stops at the caller's limit. Follows the LZMA specification
 * (LzmaSpec.cpp in the LZMA SDK, public domain); the output buffer doubles as the dictionary.
 */

const PROB_INIT = 1024;
const NUM_STATES = 12;
const POS_BITS_MAX = 4;
const END_POS_MODEL_INDEX = 14;
const NUM_FULL_DISTANCES = 1 << (END_POS_MODEL_INDEX >> 1);
const MATCH_MIN_LEN = 2;

export class LzmaError extends Error {}

class RangeDecoder {
  private range = 0xffffffff;
  private code = 0;
  private pos: number;

  constructor(
    private readonly input: Uint8Array,
    start: number,
  ) {
    if (input[start] !== 0) throw new LzmaError("bad range coder start");
    this.pos = start + 1;
    for (let i = 0; i < 4; i++) this.code = ((this.code << 8) | this.next()) >>> 0;
    if (this.code === this.range) throw new LzmaError("bad range coder start");
  }

  private next(): number {
    if (this.pos >= this.input.length) throw new LzmaError(`data ends at byte ${this.input.length}`);
    return this.input[this.pos++];
  }

  finishedOk(): boolean {
    return this.code === 0;
  }

  bit(probs: Uint16Array, i: number): number {
    const p = probs[i];
    const bound = (this.range >>> 11) * p;
    let bit: number;
    if (this.code < bound) {
      probs[i] = p + ((2048 - p) >>> 5);
      this.range = bound;
      bit = 0;
    } else {
      probs[i] = p - (p >>> 5);
      this.code -= bound;
      this.range -= bound;
      bit = 1;
    }
    if (this.range < 0x1000000) {
      this.range = (this.range << 8) >>> 0;
      this.code = ((this.code << 8) | this.next()) >>> 0;
    }
    return bit;
  }

  direct(numBits: number): number {
    let res = 0;
    for (let i = 0; i < numBits; i++) {
      this.range >>>= 1;
      let bit = 0;
      if (this.code >= this.range) {
        this.code -= this.range;
        bit = 1;
      }
      res = ((res << 1) | bit) >>> 0;
      if (this.range < 0x1000000) {
        this.range = (this.range << 8) >>> 0;
        this.code = ((this.code << 8) | this.next()) >>> 0;
      }
    }
    return res;
  }

  tree(probs: Uint16Array, offset: number, numBits: number): number {
    let m = 1;
    for (let i = 0; i < numBits; i++) m = (m << 1) + this.bit(probs, offset + m);
    return m - (1 << numBits);
  }

  reverseTree(probs: Uint16Array, offset: number, numBits: number): number {
    let m = 1;
    let symbol = 0;
    for (let i = 0; i < numBits; i++) {
      const bit = this.bit(probs, offset + m);
      m = (m << 1) + bit;
      symbol |= bit << i;
    }
    return symbol;
  }
}

/** Match length decoder: choice bits, then 3-bit low/mid trees per position state or an 8-bit high tree. */
class LenDecoder {
  private readonly probs = new Uint16Array(2 + 2 * (8 << POS_BITS_MAX) + 256).fill(PROB_INIT);

  decode(rc: RangeDecoder, posState: number): number {
    if (rc.bit(this.probs, 0) === 0) return rc.tree(this.probs, 2 + (posState << 3), 3);
    if (rc.bit(this.probs, 1) === 0)
      return 8 + rc.tree(this.probs, 2 + (8 << POS_BITS_MAX) + (posState << 3), 3);
    return 16 + rc.tree(this.probs, 2 + 2 * (8 << POS_BITS_MAX), 8);
  }
}

export function decodeLzmaAlone(input: Uint8Array, maxBytes: number, tooBig: () => Error): Uint8Array {
  if (input.length < 13) throw new LzmaError("header is truncated");
  let d = input[0];
  if (d >= 9 * 5 * 5) throw new LzmaError("bad properties byte");
  const lc = d % 9;
  d = (d / 9) | 0;
  const lp = d % 5;
  const pb = (d / 5) | 0;
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const dictSize = Math.max(view.getUint32(1, true), 1 << 12);
  const sizeLo = view.getUint32(5, true);
  const sizeHi = view.getUint32(9, true);
  const sizeKnown = !(sizeLo === 0xffffffff && sizeHi === 0xffffffff);
  const declared = sizeHi * 2 ** 32 + sizeLo;
  if (sizeKnown && declared > maxBytes) throw tooBig();

  const rc = new RangeDecoder(input, 13);
  const literals = new Uint16Array(0x300 << (lc + lp)).fill(PROB_INIT);
  const posSlot = new Uint16Array(4 << 6).fill(PROB_INIT);
  const posDecoders = new Uint16Array(1 + NUM_FULL_DISTANCES - END_POS_MODEL_INDEX).fill(PROB_INIT);
  const align = new Uint16Array(1 << 4).fill(PROB_INIT);
  const isMatch = new Uint16Array(NUM_STATES << POS_BITS_MAX).fill(PROB_INIT);
  const isRep = new Uint16Array(NUM_STATES).fill(PROB_INIT);
  const isRepG0 = new Uint16Array(NUM_STATES).fill(PROB_INIT);
  const isRepG1 = new Uint16Array(NUM_STATES).fill(PROB_INIT);
  const isRepG2 = new Uint16Array(NUM_STATES).fill(PROB_INIT);
  const isRep0Long = new Uint16Array(NUM_STATES << POS_BITS_MAX).fill(PROB_INIT);
  const lenDecoder = new LenDecoder();
  const repLenDecoder = new LenDecoder();

  let out = new Uint8Array(Math.min(maxBytes, Math.max(1 << 16, input.length * 4)));
  let pos = 0;
  const reserve = (n: number) => {
    if (pos + n <= out.length) return;
    if (pos + n > maxBytes) throw tooBig();
    const grown = new Uint8Array(Math.min(maxBytes, Math.max(pos + n, out.length * 2)));
    grown.set(out.subarray(0, pos));
    out = grown;
  };
  const pbMask = (1 << pb) - 1;
  const lpMask = (1 << lp) - 1;
  let state = 0;
  let rep0 = 0;
  let rep1 = 0;
  let rep2 = 0;
  let rep3 = 0;

  for (;;) {
    if (sizeKnown && pos === declared && rc.finishedOk()) break;
    const posState = pos & pbMask;
    if (rc.bit(isMatch, (state << POS_BITS_MAX) + posState) === 0) {
      if (sizeKnown && pos >= declared) throw new LzmaError("data continues past the declared size");
      const prev = pos > 0 ? out[pos - 1] : 0;
      const base = 0x300 * (((pos & lpMask) << lc) + (prev >>> (8 - lc)));
      let symbol = 1;
      if (state >= 7) {
        let matchByte = out[pos - rep0 - 1];
        do {
          const matchBit = (matchByte >>> 7) & 1;
          matchByte <<= 1;
          const bit = rc.bit(literals, base + ((1 + matchBit) << 8) + symbol);
          symbol = (symbol << 1) | bit;
          if (matchBit !== bit) break;
        } while (symbol < 0x100);
      }
      while (symbol < 0x100) symbol = (symbol << 1) | rc.bit(literals, base + symbol);
      reserve(1);
      out[pos++] = symbol - 0x100;
      state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
      continue;
    }
    let len: number;
    if (rc.bit(isRep, state) !== 0) {
      if (pos === 0) throw new LzmaError("repeated match before any data");
      if (rc.bit(isRepG0, state) === 0) {
        if (rc.bit(isRep0Long, (state << POS_BITS_MAX) + posState) === 0) {
          state = state < 7 ? 9 : 11;
          reserve(1);
          out[pos] = out[pos - rep0 - 1];
          pos++;
          continue;
        }
      } else {
        let dist: number;
        if (rc.bit(isRepG1, state) === 0) {
          dist = rep1;
        } else {
          if (rc.bit(isRepG2, state) === 0) {
            dist = rep2;
          } else {
            dist = rep3;
            rep3 = rep2;
          }
          rep2 = rep1;
        }
        rep1 = rep0;
        rep0 = dist;
      }
      len = repLenDecoder.decode(rc, posState);
      state = state < 7 ? 8 : 11;
    } else {
      rep3 = rep2;
      rep2 = rep1;
      rep1 = rep0;
      len = lenDecoder.decode(rc, posState);
      state = state < 7 ? 7 : 10;
      rep0 = decodeDistance(rc, len, posSlot, posDecoders, align);
      if (rep0 === 0xffffffff) {
        if (!rc.finishedOk()) throw new LzmaError("end marker in the middle of the data");
        break;
      }
      if (rep0 >= dictSize || rep0 >= pos) throw new LzmaError("match distance beyond the data");
    }
    len += MATCH_MIN_LEN;
    if (sizeKnown && pos + len > declared) throw new LzmaError("data continues past the declared size");
    reserve(len);
    for (let i = 0; i < len; i++, pos++) out[pos] = out[pos - rep0 - 1];
  }
  return out.subarray(0, pos);
}

function decodeDistance(
  rc: RangeDecoder,
  len: number,
  posSlot: Uint16Array,
  posDecoders: Uint16Array,
  align: Uint16Array,
): number {
  const lenState = Math.min(len, 3);
  const slot = rc.tree(posSlot, lenState << 6, 6);
  if (slot < 4) return slot;
  const numDirectBits = (slot >>> 1) - 1;
  let dist = ((2 | (slot & 1)) << numDirectBits) >>> 0;
  if (slot < END_POS_MODEL_INDEX) {
    // the spec's trees are 1-based: this slot's reverse tree starts at index dist - slot
    dist += rc.reverseTree(posDecoders, dist - slot, numDirectBits);
  } else {
    dist = (dist + (rc.direct(numDirectBits - 4) << 4)) >>> 0;
    dist = (dist + rc.reverseTree(align, 0, 4)) >>> 0;
  }
  return dist >>> 0;
}
