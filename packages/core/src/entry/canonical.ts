/**
 * Canonical DAG-CBOR encoding of an entry (spec 1.4). The ID hashes this encoding and the
 * signature covers it with `sig.sig` left out.
 *
 * Map keys are written in DAG-CBOR order (shorter first, then byte-wise), optional fields are
 * left out rather than written as null, and IDs are tag-42 links. The key order of each
 * struct is fixed, so it is spelled out here rather than sorted at run time.
 */
import { CborWriter } from "../encoding/cbor-writer.js";
import { idToBytes } from "../id/id.js";
import type { DelegationStep, EntryFields, KeyHint, SigInfo, SubTreeNode, TreeNode } from "./types.js";

const writer = new CborWriter(4096);

/**
 * Encodes entry fields as canonical DAG-CBOR.
 * @param withSignature - `false` leaves out `sig.sig`, giving the bytes that are signed.
 */
export function encodeEntryCbor(entry: EntryFields, withSignature = true): Uint8Array {
  // A previous call may have thrown half-way (an invalid ID, say): start clean.
  writer.reset();
  // Entry: "sig" (3), "tree" (4), "subtrees" (8). `_v` is 0 and never written.
  writer.mapHead(3);
  writer.text("sig");
  writeSigInfo(entry.sig, withSignature);
  writer.text("tree");
  writeTree(entry.tree);
  writer.text("subtrees");
  writer.arrayHead(entry.subtrees.length);
  for (const subtree of entry.subtrees) writeSubtree(subtree);
  return writer.finish();
}

function writeIds(ids: readonly string[]): void {
  writer.arrayHead(ids.length);
  for (const id of ids) writer.cid(idToBytes(id));
}

function writeTree(tree: TreeNode): void {
  // "h" (1), "root" (4), "parents" (7), "metadata" (8)
  const hasH = tree.h !== 0;
  writer.mapHead(1 + Number(hasH) + Number(tree.root !== undefined) + Number(tree.metadata !== undefined));
  if (hasH) {
    writer.text("h");
    writer.uint(tree.h);
  }
  if (tree.root !== undefined) {
    writer.text("root");
    writer.cid(idToBytes(tree.root));
  }
  writer.text("parents");
  writeIds(tree.parents);
  if (tree.metadata !== undefined) {
    writer.text("metadata");
    writer.bytes(tree.metadata);
  }
}

function writeSubtree(subtree: SubTreeNode): void {
  // "h" (1), "data" (4), "name" (4), "parents" (7)
  writer.mapHead(2 + Number(subtree.h !== undefined) + Number(subtree.data !== undefined));
  if (subtree.h !== undefined) {
    writer.text("h");
    writer.uint(subtree.h);
  }
  if (subtree.data !== undefined) {
    writer.text("data");
    writer.bytes(subtree.data);
  }
  writer.text("name");
  writer.text(subtree.name);
  writer.text("parents");
  writeIds(subtree.parents);
}

function writeSigInfo(sig: SigInfo, withSignature: boolean): void {
  // "key" (3), "sig" (3)
  const hasSig = withSignature && sig.sig !== undefined;
  writer.mapHead(hasSig ? 2 : 1);
  writer.text("key");
  writer.mapHead(1);
  if ("Direct" in sig.key) {
    writer.text("Direct");
    writer.mapHead(1);
    writer.text("hint");
    writeHint(sig.key.Direct.hint);
  } else {
    // Delegation body: "hint" (4), "path" (4)
    writer.text("Delegation");
    writer.mapHead(2);
    writer.text("hint");
    writeHint(sig.key.Delegation.hint);
    writer.text("path");
    writer.arrayHead(sig.key.Delegation.path.length);
    for (const step of sig.key.Delegation.path) writeStep(step);
  }
  if (hasSig) {
    writer.text("sig");
    writer.text(sig.sig as string);
  }
}

function writeHint(hint: KeyHint): void {
  // "name" (4), "pubkey" (6), "is_global" (9)
  const isGlobal = hint.is_global === true;
  writer.mapHead(Number(hint.name !== undefined) + Number(hint.pubkey !== undefined) + Number(isGlobal));
  if (hint.name !== undefined) {
    writer.text("name");
    writer.text(hint.name);
  }
  if (hint.pubkey !== undefined) {
    writer.text("pubkey");
    writer.text(hint.pubkey);
  }
  if (isGlobal) {
    writer.text("is_global");
    writer.bool(true);
  }
}

function writeStep(step: DelegationStep): void {
  // "tips" (4), "tree" (4)
  writer.mapHead(2);
  writer.text("tips");
  writeIds(step.tips);
  writer.text("tree");
  writer.cid(idToBytes(step.tree));
}
