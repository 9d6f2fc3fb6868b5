/**
 * The JSON wire form of an entry (spec 1.5), as Rust's serde_json writes it: bytes as arrays of
 * integers, externally tagged enums, optional fields left out.
 *
 * Decoding is the trust boundary. {@link decodeWireEntry} checks the whole shape and every
 * limit before any hashing or crypto, rejects unknown fields, accepts only canonical entries
 * (sorted, de-duplicated parents and stores), and never takes an ID from the input: the ID is
 * recomputed from the content.
 */
import { MalformedError, UnsupportedVersionError } from "../errors/errors.js";
import { parseId, type ID } from "../id/id.js";
import { LIMITS } from "../limits.js";
import { parseJsonLimited } from "../util/json-limits.js";
import {
  expectArray,
  expectBoolean,
  expectBytes,
  expectObject,
  expectString,
  expectUint,
} from "../util/shape.js";
import { Entry } from "./entry.js";
import type { DelegationStep, EntryFields, KeyHint, SigInfo, SigKey, SubTreeNode, TreeNode } from "./types.js";

/** The JSON value of an entry on the wire (what `JSON.parse` of its text gives). */
export type WireEntry = Record<string, unknown>;

/**
 * The wire JSON value of an entry, with keys in Rust's declaration order.
 * `JSON.stringify` of it gives the same text as Rust's `serde_json::to_string`.
 */
export function entryToWire(entry: EntryFields): WireEntry {
  const { tree, subtrees, sig } = entry;
  return {
    tree: {
      ...(tree.root === undefined ? {} : { root: tree.root }),
      parents: [...tree.parents],
      ...(tree.metadata === undefined ? {} : { metadata: Array.from(tree.metadata) }),
      ...(tree.h === 0 ? {} : { h: tree.h }),
    },
    subtrees: subtrees.map((s) => ({
      name: s.name,
      parents: [...s.parents],
      ...(s.data === undefined ? {} : { data: Array.from(s.data) }),
      ...(s.h === undefined ? {} : { h: s.h }),
    })),
    sig: {
      ...(sig.sig === undefined ? {} : { sig: sig.sig }),
      key:
        "Direct" in sig.key
          ? { Direct: { hint: hintToWire(sig.key.Direct.hint) } }
          : {
              Delegation: {
                path: sig.key.Delegation.path.map((step) => ({ tree: step.tree, tips: [...step.tips] })),
                hint: hintToWire(sig.key.Delegation.hint),
              },
            },
    },
  };
}

function hintToWire(hint: KeyHint): Record<string, unknown> {
  return {
    ...(hint.pubkey === undefined ? {} : { pubkey: hint.pubkey }),
    ...(hint.name === undefined ? {} : { name: hint.name }),
    ...(hint.is_global === true ? { is_global: true } : {}),
  };
}

/**
 * The wire JSON text of an entry: exactly `JSON.stringify(entryToWire(entry))`, written
 * directly (bytes from a table of their decimal forms, no intermediate arrays), since sync
 * writes every entry it sends.
 */
export function encodeWireEntry(entry: EntryFields): string {
  const { tree, subtrees, sig } = entry;
  let out = '{"tree":{';
  if (tree.root !== undefined) out += `"root":${JSON.stringify(tree.root)},`;
  out += `"parents":${idsText(tree.parents)}`;
  if (tree.metadata !== undefined) out += `,"metadata":${bytesText(tree.metadata)}`;
  if (tree.h !== 0) out += `,"h":${tree.h}`;
  out += '},"subtrees":[';
  for (let i = 0; i < subtrees.length; i++) {
    const s = subtrees[i] as SubTreeNode;
    out += `${i === 0 ? "" : ","}{"name":${JSON.stringify(s.name)},"parents":${idsText(s.parents)}`;
    if (s.data !== undefined) out += `,"data":${bytesText(s.data)}`;
    if (s.h !== undefined) out += `,"h":${s.h}`;
    out += "}";
  }
  out += '],"sig":{';
  if (sig.sig !== undefined) out += `"sig":${JSON.stringify(sig.sig)},`;
  if ("Direct" in sig.key) {
    out += `"key":{"Direct":{"hint":${hintText(sig.key.Direct.hint)}}}}}`;
  } else {
    const path = sig.key.Delegation.path.map((step) => `{"tree":${JSON.stringify(step.tree)},"tips":${idsText(step.tips)}}`).join(",");
    out += `"key":{"Delegation":{"path":[${path}],"hint":${hintText(sig.key.Delegation.hint)}}}}}`;
  }
  return out;
}

/**
 * The UTF-8 length of {@link encodeWireEntry}'s text, computed without writing it (paging sizes
 * every entry it may send).
 */
export function wireEntryLength(entry: EntryFields): number {
  const { tree, subtrees, sig } = entry;
  // `{"tree":{` + `},"subtrees":[` + `],"sig":{`, then the fields and the closing braces.
  let n = 9 + 14 + 9;
  if (tree.root !== undefined) n += 7 + jsonStringLength(tree.root) + 1;
  n += 10 + idsLength(tree.parents);
  if (tree.metadata !== undefined) n += 12 + bytesLength(tree.metadata);
  if (tree.h !== 0) n += 5 + decimalLength(tree.h);
  subtrees.forEach((s, i) => {
    n += (i === 0 ? 0 : 1) + 8 + jsonStringLength(s.name) + 11 + idsLength(s.parents) + 1;
    if (s.data !== undefined) n += 8 + bytesLength(s.data);
    if (s.h !== undefined) n += 5 + decimalLength(s.h);
  });
  if (sig.sig !== undefined) n += 6 + jsonStringLength(sig.sig) + 1;
  // `"key":{"Direct":{"hint":` … `}}}}`
  if ("Direct" in sig.key) return n + 24 + hintLength(sig.key.Direct.hint) + 4;
  const path = sig.key.Delegation.path.reduce((sum, step, i) => sum + (i === 0 ? 0 : 1) + 8 + jsonStringLength(step.tree) + 8 + idsLength(step.tips) + 1, 0);
  // `"key":{"Delegation":{"path":[` … `],"hint":` … `}}}}`
  return n + 29 + path + 9 + hintLength(sig.key.Delegation.hint) + 4;
}

const BYTE_TEXT: readonly string[] = Array.from({ length: 256 }, (_, i) => String(i));
const BYTE_LENGTH: readonly number[] = BYTE_TEXT.map((text) => text.length);

function bytesLength(bytes: Uint8Array): number {
  let n = 2 + Math.max(0, bytes.length - 1);
  for (let i = 0; i < bytes.length; i++) n += BYTE_LENGTH[bytes[i] as number] as number;
  return n;
}

function decimalLength(value: number): number {
  return String(value).length;
}

function idsLength(ids: readonly ID[]): number {
  let n = 2 + Math.max(0, ids.length - 1);
  for (const id of ids) n += jsonStringLength(id);
  return n;
}

function hintLength(hint: KeyHint): number {
  let n = 2;
  let fields = 0;
  if (hint.pubkey !== undefined) n += 9 + jsonStringLength(hint.pubkey) + (fields++ > 0 ? 1 : 0);
  if (hint.name !== undefined) n += 7 + jsonStringLength(hint.name) + (fields++ > 0 ? 1 : 0);
  if (hint.is_global === true) n += 16 + (fields++ > 0 ? 1 : 0);
  return n;
}

/** UTF-8 length of `JSON.stringify(text)`. */
function jsonStringLength(text: string): number {
  let n = 2;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 || c === 0x5c) n += 2;
    else if (c < 0x20) n += c === 8 || c === 9 || c === 10 || c === 12 || c === 13 ? 2 : 6;
    else if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        n += 4;
        i++;
      } else n += 6; // a lone surrogate is written as \uXXXX
    } else if (c >= 0xdc00 && c <= 0xdfff) n += 6;
    else n += 3;
  }
  return n;
}

// The digits are written into a scratch buffer and decoded once: a flat string in one step
// (appending byte by byte would build a deep rope that every later read has to flatten).
const BYTE_DIGITS: readonly Uint8Array[] = BYTE_TEXT.map((text) => Uint8Array.from(text, (c) => c.charCodeAt(0)));
const ascii = new TextDecoder("latin1");
let scratch = new Uint8Array(4096);

function bytesText(bytes: Uint8Array): string {
  const needed = bytes.length * 4 + 2;
  if (scratch.length < needed) scratch = new Uint8Array(Math.max(needed, scratch.length * 2));
  const out = scratch;
  let at = 0;
  out[at++] = 0x5b; // [
  for (let i = 0; i < bytes.length; i++) {
    if (i > 0) out[at++] = 0x2c; // ,
    const digits = BYTE_DIGITS[bytes[i] as number] as Uint8Array;
    for (let j = 0; j < digits.length; j++) out[at++] = digits[j] as number;
  }
  out[at++] = 0x5d; // ]
  return ascii.decode(out.subarray(0, at));
}

// IDs are multibase text, which needs no JSON escaping; anything else goes through JSON.stringify.
const PLAIN = /^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/;

function idsText(ids: readonly ID[]): string {
  if (ids.length === 0) return "[]";
  return ids.every((id) => PLAIN.test(id)) ? `["${ids.join('","')}"]` : JSON.stringify(ids);
}

function hintText(hint: KeyHint): string {
  const parts: string[] = [];
  if (hint.pubkey !== undefined) parts.push(`"pubkey":${JSON.stringify(hint.pubkey)}`);
  if (hint.name !== undefined) parts.push(`"name":${JSON.stringify(hint.name)}`);
  if (hint.is_global === true) parts.push('"is_global":true');
  return `{${parts.join(",")}}`;
}

/**
 * Parses wire JSON text (or its UTF-8 bytes) into an entry, checking size and nesting depth
 * before parsing. See {@link decodeWireEntry}.
 *
 * @throws {EideticaError} `MALFORMED`, `LIMIT_EXCEEDED` or `UNSUPPORTED_VERSION`.
 */
export function parseWireEntry(text: string | Uint8Array): Entry {
  return decodeWireEntry(parseJsonLimited(text));
}

/**
 * Decodes a parsed wire JSON value into an entry.
 *
 * @param path - Where the value sits in a larger message, for error messages.
 * @throws {MalformedError} on any shape error or a non-canonical entry.
 * @throws {LimitExceededError} on too many parents or too large an entry.
 * @throws {UnsupportedVersionError} if `_v` is not 0.
 *
 * @example
 * ```ts
 * const entry = decodeWireEntry(JSON.parse(body));
 * entry.id; // recomputed from the content
 * ```
 */
export function decodeWireEntry(value: unknown, path = "entry"): Entry {
  const object = expectObject(value, path, ["_v", "tree", "subtrees", "sig"], ["tree", "subtrees", "sig"]);
  if (object._v !== undefined) {
    const version = expectUint(object._v, `${path}._v`);
    if (version !== 0) throw new UnsupportedVersionError("entry", version);
  }
  const subtreeItems = expectArray(object.subtrees, `${path}.subtrees`, LIMITS.entryBytes, "entryBytes");
  const fields: EntryFields = {
    tree: decodeTree(object.tree, `${path}.tree`),
    subtrees: subtreeItems.map((item, i) => decodeSubtree(item, `${path}.subtrees[${i}]`)),
    sig: decodeSigInfo(object.sig, `${path}.sig`),
  };
  return Entry.fromFields(fields);
}

function decodeIds(value: unknown, path: string, max: number, limit: string): ID[] {
  return expectArray(value, path, max, limit).map((item, i) => parseId(expectString(item, `${path}[${i}]`), `${path}[${i}]`));
}

function decodeTree(value: unknown, path: string): TreeNode {
  const object = expectObject(value, path, ["root", "parents", "metadata", "h"], ["parents"]);
  const root = object.root ?? undefined;
  const metadata = object.metadata ?? undefined;
  return {
    ...(root === undefined ? {} : { root: parseId(expectString(root, `${path}.root`), `${path}.root`) }),
    parents: decodeIds(object.parents, `${path}.parents`, LIMITS.parentsPerEntry, "parentsPerEntry"),
    ...(metadata === undefined
      ? {}
      : { metadata: expectBytes(metadata, `${path}.metadata`, LIMITS.entryBytes, "entryBytes") }),
    h: object.h === undefined ? 0 : expectUint(object.h, `${path}.h`),
  };
}

function decodeSubtree(value: unknown, path: string): SubTreeNode {
  const object = expectObject(value, path, ["name", "parents", "data", "h"], ["name", "parents"]);
  const data = object.data ?? undefined;
  const h = object.h ?? undefined;
  return {
    name: expectString(object.name, `${path}.name`),
    parents: decodeIds(object.parents, `${path}.parents`, LIMITS.parentsPerEntry, "parentsPerEntry"),
    ...(data === undefined ? {} : { data: expectBytes(data, `${path}.data`, LIMITS.entryBytes, "entryBytes") }),
    ...(h === undefined ? {} : { h: expectUint(h, `${path}.h`) }),
  };
}

function decodeSigInfo(value: unknown, path: string): SigInfo {
  const object = expectObject(value, path, ["sig", "key"], ["key"]);
  const sig = object.sig ?? undefined;
  return {
    ...(sig === undefined ? {} : { sig: expectString(sig, `${path}.sig`) }),
    key: decodeSigKey(object.key, `${path}.key`),
  };
}

function decodeSigKey(value: unknown, path: string): SigKey {
  const object = expectObject(value, path, ["Direct", "Delegation"]);
  const variants = Object.keys(object);
  if (variants.length !== 1) {
    throw new MalformedError("expected exactly one of Direct or Delegation", path);
  }
  if (object.Direct !== undefined) {
    const body = expectObject(object.Direct, `${path}.Direct`, ["hint"], ["hint"]);
    return { Direct: { hint: decodeHint(body.hint, `${path}.Direct.hint`) } };
  }
  const body = expectObject(object.Delegation, `${path}.Delegation`, ["path", "hint"], ["path", "hint"]);
  const steps = expectArray(body.path, `${path}.Delegation.path`, LIMITS.delegationSteps, "delegationSteps");
  return {
    Delegation: {
      path: steps.map((step, i) => decodeStep(step, `${path}.Delegation.path[${i}]`)),
      hint: decodeHint(body.hint, `${path}.Delegation.hint`),
    },
  };
}

function decodeStep(value: unknown, path: string): DelegationStep {
  const object = expectObject(value, path, ["tree", "tips"], ["tree", "tips"]);
  return {
    tree: parseId(expectString(object.tree, `${path}.tree`), `${path}.tree`),
    tips: decodeIds(object.tips, `${path}.tips`, LIMITS.delegationTips, "delegationTips"),
  };
}

function decodeHint(value: unknown, path: string): KeyHint {
  const object = expectObject(value, path, ["pubkey", "name", "is_global"]);
  const pubkey = object.pubkey ?? undefined;
  const name = object.name ?? undefined;
  const isGlobal = object.is_global === undefined ? false : expectBoolean(object.is_global, `${path}.is_global`);
  return {
    ...(pubkey === undefined ? {} : { pubkey: expectString(pubkey, `${path}.pubkey`) }),
    ...(name === undefined ? {} : { name: expectString(name, `${path}.name`) }),
    ...(isGlobal ? { is_global: true } : {}),
  };
}
