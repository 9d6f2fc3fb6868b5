/**
 * Writing the JSON wire form of an entry (spec 1.5) directly as text, and its size without
 * writing it: sync writes and sizes every entry it sends. The text is exactly
 * `JSON.stringify(entryToWire(entry))`.
 */
import type { ID } from "../id/id.js";
import type { EntryFields, KeyHint, SubTreeNode } from "./types.js";

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

