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

export { encodeWireEntry, wireEntryLength } from "./wire-text.js";

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
