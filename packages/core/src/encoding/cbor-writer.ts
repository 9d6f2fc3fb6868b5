/**
 * A minimal canonical CBOR writer for the fixed shapes this package encodes.
 *
 * Integers use the shortest head (RFC 8949 preferred serialization, as DAG-CBOR requires).
 * Map keys are written in the order the caller gives; callers write them in DAG-CBOR order
 * (shorter keys first, then byte-wise). Tests check the output against `@ipld/dag-cbor`.
 */

const MAJOR_UNSIGNED = 0;
const MAJOR_BYTES = 2;
const MAJOR_TEXT = 3;
const MAJOR_ARRAY = 4;
const MAJOR_MAP = 5;
const MAJOR_TAG = 6;

const encoder = new TextEncoder();

/** Appends CBOR items to a growing buffer. Reusable after {@link CborWriter.finish}. */
export class CborWriter {
  #buffer: Uint8Array;
  #view: DataView;
  #length = 0;

  constructor(initialCapacity = 1024) {
    this.#buffer = new Uint8Array(initialCapacity);
    this.#view = new DataView(this.#buffer.buffer);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#length;
  }

  /** Discards anything written since the last {@link CborWriter.finish}. */
  reset(): void {
    this.#length = 0;
  }

  /** Returns a copy of the bytes written and resets the writer. */
  finish(): Uint8Array {
    const out = this.#buffer.slice(0, this.#length);
    this.#length = 0;
    return out;
  }

  #reserve(extra: number): void {
    const needed = this.#length + extra;
    if (needed <= this.#buffer.length) return;
    let capacity = this.#buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.#buffer.subarray(0, this.#length));
    this.#buffer = next;
    this.#view = new DataView(next.buffer);
  }

  #head(major: number, value: number): void {
    this.#reserve(9);
    const at = this.#length;
    const m = major << 5;
    if (value < 24) {
      this.#buffer[at] = m | value;
      this.#length += 1;
    } else if (value < 0x100) {
      this.#buffer[at] = m | 24;
      this.#buffer[at + 1] = value;
      this.#length += 2;
    } else if (value < 0x10000) {
      this.#buffer[at] = m | 25;
      this.#view.setUint16(at + 1, value);
      this.#length += 3;
    } else if (value < 0x100000000) {
      this.#buffer[at] = m | 26;
      this.#view.setUint32(at + 1, value);
      this.#length += 5;
    } else {
      this.#buffer[at] = m | 27;
      this.#view.setUint32(at + 1, Math.floor(value / 0x100000000));
      this.#view.setUint32(at + 5, value >>> 0);
      this.#length += 9;
    }
  }

  /** A non-negative safe integer. */
  uint(value: number): void {
    this.#head(MAJOR_UNSIGNED, value);
  }

  /** A UTF-8 text string. */
  text(value: string): void {
    // Strings of ASCII are the common case: their byte length is their length.
    const maxBytes = value.length * 3;
    this.#reserve(9 + maxBytes);
    if (maxBytes < 24 * 3 && isAscii(value)) {
      this.#head(MAJOR_TEXT, value.length);
      for (let i = 0; i < value.length; i++) this.#buffer[this.#length + i] = value.charCodeAt(i);
      this.#length += value.length;
      return;
    }
    const bytes = encoder.encode(value);
    this.#head(MAJOR_TEXT, bytes.length);
    this.#buffer.set(bytes, this.#length);
    this.#length += bytes.length;
  }

  /** A byte string. */
  bytes(value: Uint8Array): void {
    this.#head(MAJOR_BYTES, value.length);
    this.#reserve(value.length);
    this.#buffer.set(value, this.#length);
    this.#length += value.length;
  }

  /** The head of an array of `count` items; the caller writes the items next. */
  arrayHead(count: number): void {
    this.#head(MAJOR_ARRAY, count);
  }

  /** The head of a map of `count` pairs; the caller writes key, value, key, value… next. */
  mapHead(count: number): void {
    this.#head(MAJOR_MAP, count);
  }

  /** `true` or `false`. */
  bool(value: boolean): void {
    this.#reserve(1);
    this.#buffer[this.#length++] = value ? 0xf5 : 0xf4;
  }

  /** `null`. */
  null(): void {
    this.#reserve(1);
    this.#buffer[this.#length++] = 0xf6;
  }

  /** A DAG-CBOR link: tag 42 around the byte string `0x00 ‖ binary CID`. */
  cid(binaryCid: Uint8Array): void {
    this.#head(MAJOR_TAG, 42);
    this.#head(MAJOR_BYTES, binaryCid.length + 1);
    this.#reserve(binaryCid.length + 1);
    this.#buffer[this.#length++] = 0;
    this.#buffer.set(binaryCid, this.#length);
    this.#length += binaryCid.length;
  }
}

function isAscii(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) > 0x7f) return false;
  return true;
}
