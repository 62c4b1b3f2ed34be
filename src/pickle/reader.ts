import { PickleError } from "./errors.js";
import type { GlobalResolver } from "./globals.js";
import { AllocationBudget, type PickleLimits } from "./limits.js";
import { GlobalRef, Pending, type ReadContext } from "./objects.js";
import { decodeLatin1, decodeUtf8 } from "./strings.js";
import { parseFloatLine, parseIntLine, parsePyStringLiteral, parseRawUnicodeEscape } from "./text.js";
import { isPyTuple, makePyTuple, type PyObject } from "./values.js";

/** Opcode names, for error messages only. */
const OPCODE_NAMES: Record<number, string> = {
  40: "MARK",
  46: "STOP",
  48: "POP",
  49: "POP_MARK",
  50: "DUP",
  70: "FLOAT",
  73: "INT",
  74: "BININT",
  75: "BININT1",
  76: "LONG",
  77: "BININT2",
  78: "NONE",
  80: "PERSID",
  81: "BINPERSID",
  82: "REDUCE",
  83: "STRING",
  84: "BINSTRING",
  85: "SHORT_BINSTRING",
  86: "UNICODE",
  88: "BINUNICODE",
  97: "APPEND",
  98: "BUILD",
  99: "GLOBAL",
  100: "DICT",
  125: "EMPTY_DICT",
  101: "APPENDS",
  103: "GET",
  104: "BINGET",
  105: "INST",
  106: "LONG_BINGET",
  108: "LIST",
  93: "EMPTY_LIST",
  111: "OBJ",
  112: "PUT",
  113: "BINPUT",
  114: "LONG_BINPUT",
  115: "SETITEM",
  116: "TUPLE",
  41: "EMPTY_TUPLE",
  117: "SETITEMS",
  71: "BINFLOAT",
  128: "PROTO",
  129: "NEWOBJ",
  130: "EXT1",
  131: "EXT2",
  132: "EXT4",
  133: "TUPLE1",
  134: "TUPLE2",
  135: "TUPLE3",
  136: "NEWTRUE",
  137: "NEWFALSE",
  138: "LONG1",
  139: "LONG4",
  66: "BINBYTES",
  67: "SHORT_BINBYTES",
  140: "SHORT_BINUNICODE",
  141: "BINUNICODE8",
  142: "BINBYTES8",
  143: "EMPTY_SET",
  144: "ADDITEMS",
  145: "FROZENSET",
  146: "NEWOBJ_EX",
  147: "STACK_GLOBAL",
  148: "MEMOIZE",
  149: "FRAME",
  150: "BYTEARRAY8",
  151: "NEXT_BUFFER",
  152: "READONLY_BUFFER",
};

function opName(op: number): string {
  return OPCODE_NAMES[op] ?? `0x${op.toString(16).padStart(2, "0")}`;
}

/** Mutable view of a PyObject while the reader builds it (the public type is read-only). */
type MutablePyObject = { cls: string; args: readonly unknown[]; state: unknown; items?: unknown[] };

/** Marks a PyObject as one the reader made, so that BUILD/APPEND/SETITEM may complete it. */
const READER_OBJECTS = new WeakSet<object>();

/** Makes a PyObject for an allow-listed class (the only way the reader creates instances). */
export function makePyObject(cls: string, args: readonly unknown[]): PyObject {
  const obj: MutablePyObject = { cls, args, state: undefined };
  READER_OBJECTS.add(obj);
  return obj;
}

export interface ReaderOptions {
  readonly resolver: GlobalResolver;
  readonly limits: PickleLimits;
  /** joblib nested pickles may nest one level more; deeper nesting is refused */
  readonly nesting?: number;
  readonly budget?: AllocationBudget;
}

/**
 * The pickle virtual machine, over one byte buffer. It never imports or calls anything from the file:
 * GLOBAL/STACK_GLOBAL go through the resolver (the allow-list), and REDUCE/NEWOBJ/BUILD only run the
 * TypeScript behaviours the allow-list attached to those globals.
 */
export class PickleReader implements ReadContext {
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  private readonly end: number;
  private pos: number;
  private opStart = 0;
  private readonly stack: unknown[] = [];
  private readonly marks: number[] = [];
  private readonly memo: unknown[] = [];
  private readonly nesting: number;
  readonly budget: AllocationBudget;

  constructor(
    bytes: Uint8Array,
    start: number,
    private readonly options: ReaderOptions,
  ) {
    // a Node Buffer's slice() is a view, not a copy: work on a plain Uint8Array so copies are copies
    this.bytes = Buffer.isBuffer(bytes)
      ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      : bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.end = bytes.length;
    this.pos = start;
    this.nesting = options.nesting ?? 0;
    this.budget = options.budget ?? new AllocationBudget(options.limits.maxAllocatedBytes);
  }

  get offset(): number {
    return this.opStart;
  }

  /** Where the reader stopped: the byte after STOP. */
  get position(): number {
    return this.pos;
  }

  private fail(message: string): never {
    throw new PickleError(
      `invalid pickle: ${message} (opcode ${opName(this.bytes[this.opStart])} at byte ${this.opStart})`,
    );
  }

  private need(n: number, what: string): void {
    if (n > this.end - this.pos) {
      throw new PickleError(
        `truncated pickle: ${what} at byte ${this.opStart} needs ${n} bytes but the file ends at byte ${this.end} ` +
          `(${this.end - this.pos} bytes left)`,
      );
    }
  }

  readRaw(n: number, what: string): Uint8Array {
    if (!Number.isSafeInteger(n) || n < 0) this.fail(`${what}: invalid length ${n}`);
    this.need(n, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  readNested(): unknown {
    if (this.nesting >= 2) this.fail("nested pickles are nested too deeply");
    const nested = new PickleReader(this.bytes, this.pos, {
      ...this.options,
      nesting: this.nesting + 1,
      budget: this.budget,
    });
    const value = nested.run();
    this.pos = nested.position;
    return value;
  }

  private readLine(what: string): string {
    const nl = this.bytes.indexOf(10, this.pos);
    if (nl < 0) {
      throw new PickleError(
        `truncated pickle: ${what} at byte ${this.opStart} has no end of line before the end of the file (byte ${this.end})`,
      );
    }
    const line = decodeLatin1(this.bytes, this.pos, nl);
    this.pos = nl + 1;
    return line;
  }

  private u32(): number {
    this.need(4, opName(this.bytes[this.opStart]));
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  private u64(): number {
    this.need(8, opName(this.bytes[this.opStart]));
    const lo = this.view.getUint32(this.pos, true);
    const hi = this.view.getUint32(this.pos + 4, true);
    this.pos += 8;
    // anything at or above 2^53 cannot fit in the file anyway: report it as the huge length it is
    return hi >= 0x200000 ? Number.MAX_SAFE_INTEGER : hi * 0x100000000 + lo;
  }

  private sizedBytes(n: number): Uint8Array {
    this.need(n, `${opName(this.bytes[this.opStart])} of ${n} bytes`);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  private sizedUtf8(n: number): string {
    this.need(n, `${opName(this.bytes[this.opStart])} of ${n} bytes`);
    const s = decodeUtf8(this.bytes, this.pos, this.pos + n);
    if (s === undefined) this.fail("string is not valid UTF-8");
    this.pos += n;
    return s;
  }

  private push(v: unknown): void {
    if (this.stack.length >= this.options.limits.maxStack) {
      this.fail(`stack holds more than ${this.options.limits.maxStack} values`);
    }
    this.stack.push(v);
  }

  private pop(): unknown {
    if (
      this.stack.length === 0 ||
      (this.marks.length > 0 && this.stack.length <= this.marks[this.marks.length - 1])
    ) {
      this.fail("stack underflow");
    }
    return this.stack.pop();
  }

  private top(): unknown {
    if (
      this.stack.length === 0 ||
      (this.marks.length > 0 && this.stack.length <= this.marks[this.marks.length - 1])
    ) {
      this.fail("stack underflow");
    }
    return this.stack[this.stack.length - 1];
  }

  private popMark(): unknown[] {
    const m = this.marks.pop();
    if (m === undefined) this.fail("no MARK on the stack");
    return this.stack.splice(m);
  }

  private memoGet(i: number): unknown {
    if (i >= this.memo.length || !(i in this.memo)) this.fail(`memo key ${i} was never stored`);
    const v = this.memo[i];
    if (v instanceof Pending) {
      if (!v.built) this.fail(`memo key ${i} refers to a ${v.what} still under construction`);
      return v.value;
    }
    return v;
  }

  private memoPut(i: number): void {
    if (i > this.options.limits.maxMemoIndex)
      this.fail(`memo key ${i} is larger than ${this.options.limits.maxMemoIndex}`);
    this.memo[i] = this.top();
  }

  private global(module: string, name: string): void {
    this.push(this.options.resolver(module, name));
  }

  private callable(v: unknown, hook: "call" | "construct"): GlobalRef {
    if (!(v instanceof GlobalRef)) this.fail(`cannot call a ${describe(v)}`);
    if (v.behaviour[hook] === undefined) {
      this.fail(`${v.global} may be referenced but not ${hook === "call" ? "called" : "instantiated"}`);
    }
    return v;
  }

  private doCall(fn: unknown, args: unknown): void {
    if (!Array.isArray(args)) this.fail(`arguments must be a tuple, not a ${describe(args)}`);
    const ref = this.callable(fn, "call");
    this.push(ref.behaviour.call!(args, this));
  }

  private doConstruct(cls: unknown, args: unknown, kwargs?: unknown): void {
    if (!Array.isArray(args)) this.fail(`arguments must be a tuple, not a ${describe(args)}`);
    if (kwargs !== undefined && !(kwargs instanceof Map && kwargs.size === 0)) {
      this.fail("keyword arguments to __new__ are not supported");
    }
    const ref = this.callable(cls, "construct");
    this.push(ref.behaviour.construct!(args, this));
  }

  private build(): void {
    const state = this.pop();
    const obj = this.top();
    if (obj instanceof Pending) {
      if (obj.built) this.fail(`${obj.what} is built twice`);
      obj.value = obj.build(state, this);
      obj.built = true;
      this.stack[this.stack.length - 1] = obj.value;
      return;
    }
    if (typeof obj === "object" && obj !== null && READER_OBJECTS.has(obj)) {
      (obj as MutablePyObject).state = mergeSlotState(state);
      return;
    }
    // Python only writes BUILD after an object it created with REDUCE/NEWOBJ that has a state
    this.fail(`cannot set the state of a ${describe(obj)}`);
  }

  private appendTo(target: unknown, items: unknown[]): void {
    if (Array.isArray(target) && !Object.isFrozen(target)) {
      for (const item of items) target.push(item);
    } else if (typeof target === "object" && target !== null && READER_OBJECTS.has(target)) {
      const obj = target as MutablePyObject;
      obj.items ??= [];
      for (const item of items) obj.items.push(item);
    } else {
      this.fail(`cannot append to a ${describe(target)}`);
    }
  }

  private setItems(target: unknown, kv: unknown[]): void {
    if (kv.length % 2 !== 0) this.fail("odd number of items for a dict");
    if (target instanceof Map) {
      for (let i = 0; i < kv.length; i += 2) target.set(hashable(kv[i], this), kv[i + 1]);
    } else if (typeof target === "object" && target !== null && READER_OBJECTS.has(target)) {
      const obj = target as MutablePyObject;
      obj.items ??= [];
      for (let i = 0; i < kv.length; i += 2) obj.items.push(makePyTuple([kv[i], kv[i + 1]]));
    } else {
      this.fail(`cannot set items on a ${describe(target)}`);
    }
  }

  private addItems(target: unknown, items: unknown[]): void {
    if (!(target instanceof Set) || Object.isFrozen(target))
      this.fail(`cannot add items to a ${describe(target)}`);
    for (const item of items) target.add(hashable(item, this));
  }

  /** Runs until STOP and returns the unpickled value. */
  run(): unknown {
    const b = this.bytes;
    const dv = this.view;
    for (;;) {
      if (this.pos >= this.end) {
        throw new PickleError(`truncated pickle: the file ends at byte ${this.end} before the STOP opcode`);
      }
      this.opStart = this.pos;
      const op = b[this.pos++];
      switch (op) {
        case 0x80: {
          // PROTO
          this.need(1, "PROTO");
          const proto = b[this.pos++];
          if (proto > 5) this.fail(`unsupported pickle protocol ${proto} (protocols 0 to 5 are supported)`);
          break;
        }
        case 0x95: {
          // FRAME: framing only groups opcodes for buffered reading; the length must still fit
          const n = this.u64();
          if (n > this.end - this.pos) this.need(n, `FRAME of ${n} bytes`);
          break;
        }
        case 0x2e: // STOP
          if (this.marks.length > 0 || this.stack.length !== 1) {
            this.fail(
              `STOP with ${this.stack.length} values on the stack and ${this.marks.length} open MARKs`,
            );
          }
          return this.stack[0];
        case 0x28: // MARK
          if (this.marks.length >= this.options.limits.maxMarks) {
            this.fail(`more than ${this.options.limits.maxMarks} nested MARKs`);
          }
          this.marks.push(this.stack.length);
          break;
        case 0x30: // POP
          if (this.marks.length > 0 && this.stack.length === this.marks[this.marks.length - 1])
            this.marks.pop();
          else this.pop();
          break;
        case 0x31: // POP_MARK
          this.popMark();
          break;
        case 0x32: // DUP
          this.push(this.top());
          break;
        case 0x4e: // NONE
          this.push(null);
          break;
        case 0x88: // NEWTRUE
          this.push(true);
          break;
        case 0x89: // NEWFALSE
          this.push(false);
          break;
        case 0x4a: // BININT
          this.need(4, "BININT");
          this.push(dv.getInt32(this.pos, true));
          this.pos += 4;
          break;
        case 0x4b: // BININT1
          this.need(1, "BININT1");
          this.push(b[this.pos++]);
          break;
        case 0x4d: // BININT2
          this.need(2, "BININT2");
          this.push(dv.getUint16(this.pos, true));
          this.pos += 2;
          break;
        case 0x8a: {
          // LONG1
          this.need(1, "LONG1");
          const n = b[this.pos++];
          this.push(this.readLong(n));
          break;
        }
        case 0x8b: {
          // LONG4
          this.need(4, "LONG4");
          const n = dv.getInt32(this.pos, true);
          this.pos += 4;
          if (n < 0) this.fail(`negative LONG4 length ${n}`);
          this.push(this.readLong(n));
          break;
        }
        case 0x49: // INT
          this.push(parseIntLine(this.readLine("INT"), true, (m) => this.fail(m)));
          break;
        case 0x4c: // LONG
          this.push(parseIntLine(this.readLine("LONG"), false, (m) => this.fail(m)));
          break;
        case 0x47: // BINFLOAT (big-endian, as Python writes it)
          this.need(8, "BINFLOAT");
          this.push(dv.getFloat64(this.pos, false));
          this.pos += 8;
          break;
        case 0x46: // FLOAT
          this.push(parseFloatLine(this.readLine("FLOAT"), (m) => this.fail(m)));
          break;
        case 0x8c: {
          // SHORT_BINUNICODE
          this.need(1, "SHORT_BINUNICODE");
          const n = b[this.pos++];
          this.push(this.sizedUtf8(n));
          break;
        }
        case 0x58: // BINUNICODE
          this.push(this.sizedUtf8(this.u32()));
          break;
        case 0x8d: // BINUNICODE8
          this.push(this.sizedUtf8(this.u64()));
          break;
        case 0x56: // UNICODE (protocol 0: raw-unicode-escape)
          this.push(parseRawUnicodeEscape(this.readLine("UNICODE"), (m) => this.fail(m)));
          break;
        case 0x55: {
          // SHORT_BINSTRING: a Python 2 str, decoded as latin-1 (numpy raw data survives)
          this.need(1, "SHORT_BINSTRING");
          const n = b[this.pos++];
          const raw = this.sizedBytes(n);
          this.push(decodeLatin1(raw, 0, raw.length));
          break;
        }
        case 0x54: {
          // BINSTRING
          this.need(4, "BINSTRING");
          const n = dv.getInt32(this.pos, true);
          this.pos += 4;
          if (n < 0) this.fail(`negative BINSTRING length ${n}`);
          const raw = this.sizedBytes(n);
          this.push(decodeLatin1(raw, 0, raw.length));
          break;
        }
        case 0x53: // STRING
          this.push(parsePyStringLiteral(this.readLine("STRING"), (m) => this.fail(m)));
          break;
        case 0x43: {
          // SHORT_BINBYTES
          this.need(1, "SHORT_BINBYTES");
          const n = b[this.pos++];
          this.push(this.sizedBytes(n));
          break;
        }
        case 0x42: // BINBYTES
          this.push(this.sizedBytes(this.u32()));
          break;
        case 0x8e: // BINBYTES8
          this.push(this.sizedBytes(this.u64()));
          break;
        case 0x96: // BYTEARRAY8
          this.push(this.sizedBytes(this.u64()));
          break;
        case 0x97: // NEXT_BUFFER
        case 0x98: // READONLY_BUFFER
          this.fail(
            "out-of-band buffers (pickle protocol 5 with a buffer_callback) are not supported: the data is not in the file",
          );
          break;
        case 0x29: // EMPTY_TUPLE
          this.push(makePyTuple([]));
          break;
        case 0x85: // TUPLE1
          this.push(makePyTuple([this.pop()]));
          break;
        case 0x86: {
          // TUPLE2
          const b2 = this.pop();
          const a2 = this.pop();
          this.push(makePyTuple([a2, b2]));
          break;
        }
        case 0x87: {
          // TUPLE3
          const c3 = this.pop();
          const b3 = this.pop();
          const a3 = this.pop();
          this.push(makePyTuple([a3, b3, c3]));
          break;
        }
        case 0x74: // TUPLE
          this.push(makePyTuple(this.popMark()));
          break;
        case 0x5d: // EMPTY_LIST
          this.push([]);
          break;
        case 0x6c: // LIST
          this.push(this.popMark());
          break;
        case 0x7d: // EMPTY_DICT
          this.push(new Map());
          break;
        case 0x64: {
          // DICT
          const kv = this.popMark();
          const d = new Map();
          this.push(d);
          this.setItems(d, kv);
          break;
        }
        case 0x8f: // EMPTY_SET
          this.push(new Set());
          break;
        case 0x91: {
          // FROZENSET
          const s = new Set();
          this.addItems(s, this.popMark());
          this.push(Object.freeze(s));
          break;
        }
        case 0x61: {
          // APPEND
          const item = this.pop();
          this.appendTo(this.top(), [item]);
          break;
        }
        case 0x65: {
          // APPENDS
          const items = this.popMark();
          this.appendTo(this.top(), items);
          break;
        }
        case 0x73: {
          // SETITEM
          const v = this.pop();
          const k = this.pop();
          this.setItems(this.top(), [k, v]);
          break;
        }
        case 0x75: {
          // SETITEMS
          const kv = this.popMark();
          this.setItems(this.top(), kv);
          break;
        }
        case 0x90: {
          // ADDITEMS
          const items = this.popMark();
          this.addItems(this.top(), items);
          break;
        }
        case 0x68: // BINGET
          this.need(1, "BINGET");
          this.push(this.memoGet(b[this.pos++]));
          break;
        case 0x6a: // LONG_BINGET
          this.push(this.memoGet(this.u32()));
          break;
        case 0x67: // GET
          this.push(this.memoGet(this.memoIndexLine("GET")));
          break;
        case 0x71: // BINPUT
          this.need(1, "BINPUT");
          this.memoPut(b[this.pos++]);
          break;
        case 0x72: // LONG_BINPUT
          this.memoPut(this.u32());
          break;
        case 0x70: // PUT
          this.memoPut(this.memoIndexLine("PUT"));
          break;
        case 0x94: // MEMOIZE
          this.memoPut(this.memo.length);
          break;
        case 0x63: {
          // GLOBAL
          const module = this.readLine("GLOBAL");
          const name = this.readLine("GLOBAL");
          this.global(module, name);
          break;
        }
        case 0x93: {
          // STACK_GLOBAL
          const name = this.pop();
          const module = this.pop();
          if (typeof module !== "string" || typeof name !== "string")
            this.fail("module and name must be strings");
          this.global(module, name);
          break;
        }
        case 0x52: {
          // REDUCE
          const args = this.pop();
          const fn = this.pop();
          this.doCall(fn, args);
          break;
        }
        case 0x81: {
          // NEWOBJ
          const args = this.pop();
          const cls = this.pop();
          this.doConstruct(cls, args);
          break;
        }
        case 0x92: {
          // NEWOBJ_EX
          const kwargs = this.pop();
          const args = this.pop();
          const cls = this.pop();
          this.doConstruct(cls, args, kwargs);
          break;
        }
        case 0x62: // BUILD
          this.build();
          break;
        case 0x69: {
          // INST: protocol 0 instance creation, class named inline
          const module = this.readLine("INST");
          const name = this.readLine("INST");
          const args = this.popMark();
          this.doCall(this.options.resolver(module, name), makePyTuple(args));
          break;
        }
        case 0x6f: {
          // OBJ: class and arguments after a MARK
          const items = this.popMark();
          if (items.length === 0) this.fail("OBJ without a class");
          this.doCall(items[0], makePyTuple(items.slice(1)));
          break;
        }
        case 0x50: // PERSID
        case 0x51: // BINPERSID
          this.fail(
            "persistent IDs are not supported: the file was written by a pickler with a custom persistent_id",
          );
          break;
        case 0x82: // EXT1
        case 0x83: // EXT2
        case 0x84: // EXT4
          this.fail("copyreg extension codes are not supported");
          break;
        default:
          this.fail(
            `unknown opcode 0x${op.toString(16).padStart(2, "0")}: this is not a pickle, or it is corrupt`,
          );
      }
    }
  }

  private memoIndexLine(what: string): number {
    const line = this.readLine(what);
    if (!/^\d{1,10}$/.test(line)) this.fail(`bad memo key ${JSON.stringify(line.slice(0, 20))}`);
    return Number(line);
  }

  private readLong(n: number): number | bigint {
    if (n > this.options.limits.maxLongBytes) {
      this.fail(`integer of ${n} bytes is larger than ${this.options.limits.maxLongBytes} bytes`);
    }
    this.need(n, `LONG of ${n} bytes`);
    const b = this.bytes;
    const p = this.pos;
    this.pos += n;
    if (n === 0) return 0;
    if (n <= 6) {
      let v = 0;
      for (let i = n - 1; i >= 0; i--) v = v * 256 + b[p + i];
      if (b[p + n - 1] & 0x80) v -= 2 ** (8 * n);
      return v;
    }
    let v = 0n;
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[p + i]);
    if (b[p + n - 1] & 0x80) v -= 1n << BigInt(8 * n);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }
}

/** Python allows only hashable keys; mutable containers as keys mean a corrupt or hostile file. */
function hashable(key: unknown, reader: { offset: number }): unknown {
  if (
    key instanceof Map ||
    (Array.isArray(key) && !Object.isFrozen(key)) ||
    (key instanceof Set && !Object.isFrozen(key))
  ) {
    throw new PickleError(
      `invalid pickle: unhashable ${describe(key)} used as a key (at byte ${reader.offset})`,
    );
  }
  return key;
}

/** Objects with __slots__ BUILD with (dict | None, slots | None): merge both into one state Map. */
function mergeSlotState(state: unknown): unknown {
  if (!isPyTuple(state) || state.length !== 2) return state;
  const [dict, slots] = state;
  if (!(dict === null || dict instanceof Map) || !(slots === null || slots instanceof Map)) return state;
  const merged = new Map(dict ?? []);
  for (const [k, v] of slots ?? []) merged.set(k, v);
  return merged;
}

export function describe(v: unknown): string {
  if (v === null) return "None";
  if (Array.isArray(v)) return Object.isFrozen(v) ? "tuple" : "list";
  if (v instanceof Map) return "dict";
  if (v instanceof Set) return "set";
  if (v instanceof Uint8Array) return "bytes";
  if (v instanceof GlobalRef) return `global ${v.global}`;
  if (v instanceof Pending) return v.what;
  if (typeof v === "object" && "cls" in v) return `${(v as PyObject).cls} object`;
  if (typeof v === "object" && "dtype" in v) return "numpy array";
  if (typeof v === "object" && "kind" in v && "itemsize" in v) return "numpy dtype";
  return typeof v;
}
