/**
 * The entry data model (spec 1.1). Field names follow the Rust structs and the JSON wire form,
 * so that a value here reads the same as the entry on the wire.
 */
import type { ID } from "../id/id.js";

/** The format version of entries. Only 0 exists; it is never written. */
export const ENTRY_VERSION = 0;

/** Name of the marker store that only a root entry carries. */
export const ROOT_STORE = "_root";
/** Name of the settings store. */
export const SETTINGS_STORE = "_settings";
/** Name of the store registry. */
export const INDEX_STORE = "_index";

/** A public key in text form: `ed25519:<padded standard base64 of 32 bytes>`. */
export type PublicKeyText = string;

/** How a verifier finds the key that signed an entry (spec 1.1). Every field is optional. */
export interface KeyHint {
  /** The signer's public key. */
  readonly pubkey?: PublicKeyText;
  /** A key name to look up in the database's auth settings. */
  readonly name?: string;
  /** Signed under the database's wildcard grant; `pubkey` names the real signer. */
  readonly is_global?: true;
}

/** One step of a delegation path: a delegated database and the tips at which to read it. */
export interface DelegationStep {
  readonly tree: ID;
  readonly tips: readonly ID[];
}

/** A key resolved in this database's own auth settings. */
export interface DirectSigKey {
  readonly Direct: { readonly hint: KeyHint };
}

/** A key resolved through delegated databases. */
export interface DelegationSigKey {
  readonly Delegation: { readonly path: readonly DelegationStep[]; readonly hint: KeyHint };
}

/** Which key signed an entry; externally tagged as in Rust. */
export type SigKey = DirectSigKey | DelegationSigKey;

/** The signature of an entry and the key it claims. */
export interface SigInfo {
  /** Padded standard base64 of the 64-byte Ed25519 signature; absent on unsigned entries. */
  readonly sig?: string;
  readonly key: SigKey;
}

/** The main-DAG part of an entry. */
export interface TreeNode {
  /** The database's root entry ID; absent only on a root entry. */
  readonly root?: ID;
  /** Main-DAG parents, sorted by {@link compareIds} without duplicates. */
  readonly parents: readonly ID[];
  /** Opaque bytes about this entry only, never merged; JSON of {@link EntryMetadata} in practice. */
  readonly metadata?: Uint8Array;
  /** Height in the main DAG (written as `h`, omitted when 0). */
  readonly h: number;
}

/** One store's part of an entry. */
export interface SubTreeNode {
  /** The store name; non-empty. */
  readonly name: string;
  /** Parents within this store's DAG, sorted by {@link compareIds} without duplicates. */
  readonly parents: readonly ID[];
  /** The store's data; absent when the entry takes part in the store without changing it. */
  readonly data?: Uint8Array;
  /** The store height; absent means the tree height applies. */
  readonly h?: number;
}

/** The plain fields of an entry, as built or decoded. */
export interface EntryFields {
  readonly tree: TreeNode;
  readonly subtrees: readonly SubTreeNode[];
  readonly sig: SigInfo;
}

/** The unsigned default key: `Direct` with an empty hint. */
export const UNSIGNED_KEY: SigKey = Object.freeze({ Direct: Object.freeze({ hint: Object.freeze({}) }) });

/** The hint inside a {@link SigKey}, whichever variant it is. */
export function hintOf(key: SigKey): KeyHint {
  return "Direct" in key ? key.Direct.hint : key.Delegation.hint;
}

/** True if any field of the hint is set (Rust `KeyHint::is_set`). */
export function isHintSet(hint: KeyHint): boolean {
  return hint.pubkey !== undefined || hint.name !== undefined || hint.is_global === true;
}

/**
 * Why a {@link SigInfo} is malformed, or `undefined` if it is not (Rust
 * `SigInfo::malformed_reason`): a hint without a signature, a signature without a hint, or a
 * delegation without a signature.
 */
export function sigInfoMalformedReason(sig: SigInfo): string | undefined {
  if ("Direct" in sig.key) {
    const set = isHintSet(sig.key.Direct.hint);
    if (set && sig.sig === undefined) return "entry has key hint but no signature";
    if (!set && sig.sig !== undefined) return "entry has signature but no key hint";
    return undefined;
  }
  return sig.sig === undefined ? "delegation entry requires a signature" : undefined;
}
