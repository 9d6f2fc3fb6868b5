/**
 * The `auth` part of a database's `_settings` (spec 4.2, 4.3): keys indexed by public key,
 * an optional wildcard grant (`global`), and how a signature's key hint resolves to keys.
 */
import { Doc } from "../crdt/doc.js";
import type { KeyHint, PublicKeyText } from "../entry/types.js";
import { MalformedError } from "../errors/errors.js";
import { comparePermissions, permissionFromDoc, permissionToDoc, type Permission } from "./permission.js";

/** Whether a key may be used. */
export type KeyStatus = "Active" | "Revoked";

/** One key's grant, stored as an atomic Doc under `auth.keys.<pubkey>`. */
export interface AuthKey {
  readonly name?: string;
  readonly permission: Permission;
  readonly status: KeyStatus;
}

/** A key a hint resolved to: the real public key with its grant. */
export interface ResolvedKey {
  readonly pubkey: PublicKeyText;
  readonly permission: Permission;
  readonly status: KeyStatus;
}

/** The atomic Doc form of an {@link AuthKey}: `{name?, permissions: {type, priority?}, status}`. */
export function authKeyToDoc(key: AuthKey): Doc {
  let doc = Doc.atomic();
  if (key.name !== undefined) doc = doc.set("name", key.name);
  return doc.set("permissions", permissionToDoc(key.permission)).set("status", key.status);
}

/**
 * Reads an {@link AuthKey} from its Doc form.
 * @throws {MalformedError} if a field is missing or unknown.
 */
export function authKeyFromDoc(doc: Doc, path: string): AuthKey {
  const permissions = doc.getDoc("permissions");
  if (permissions === undefined) throw new MalformedError("missing permissions", path);
  const status = doc.getText("status");
  if (status !== "Active" && status !== "Revoked") throw new MalformedError(`unknown key status ${JSON.stringify(status)}`, path);
  const name = doc.getText("name");
  return { ...(name === undefined ? {} : { name }), permission: permissionFromDoc(permissions, `${path}.permissions`), status };
}

/**
 * The auth settings of one state of `_settings`. Built from the merged `_settings` Doc; keys
 * that do not parse are left out (they grant nothing) and counted in {@link invalidKeys}.
 */
export class AuthSettings {
  readonly #keys: ReadonlyMap<PublicKeyText, AuthKey>;
  readonly global: AuthKey | undefined;
  /** How many grants could not be read. */
  readonly invalidKeys: number;

  private constructor(keys: ReadonlyMap<PublicKeyText, AuthKey>, global: AuthKey | undefined, invalid: number) {
    this.#keys = keys;
    this.global = global;
    this.invalidKeys = invalid;
  }

  /** No keys and no global grant: unsigned entries are accepted. */
  static readonly EMPTY = new AuthSettings(new Map(), undefined, 0);

  /**
   * Reads the `auth` Doc of a settings Doc.
   * @throws {MalformedError} if `auth` exists but is not a Doc (spec: corrupted auth).
   */
  static fromSettings(settings: Doc): AuthSettings {
    if (settings.isTombstone("auth")) throw new MalformedError("auth settings were deleted", "_settings.auth");
    const raw = settings.get("auth");
    if (raw === undefined) return AuthSettings.EMPTY;
    if (!(raw instanceof Doc)) throw new MalformedError("auth settings must be a Doc", "_settings.auth");
    const keys = new Map<PublicKeyText, AuthKey>();
    let invalid = 0;
    const keyDocs = raw.getDoc("keys");
    for (const [pubkey, value] of keyDocs?.entries() ?? []) {
      try {
        if (!(value instanceof Doc)) throw new MalformedError("a key grant must be a Doc", `auth.keys.${pubkey}`);
        keys.set(pubkey, authKeyFromDoc(value, `auth.keys.${pubkey}`));
      } catch (error) {
        if (!(error instanceof MalformedError)) throw error;
        invalid++;
      }
    }
    let global: AuthKey | undefined;
    const globalDoc = raw.getDoc("global");
    if (globalDoc !== undefined) {
      try {
        global = authKeyFromDoc(globalDoc, "auth.global");
      } catch (error) {
        if (!(error instanceof MalformedError)) throw error;
        invalid++;
      }
    }
    return new AuthSettings(keys, global, invalid);
  }

  /** The grant of a public key, if any. */
  key(pubkey: PublicKeyText): AuthKey | undefined {
    return this.#keys.get(pubkey);
  }

  /** All direct grants, sorted by public key. */
  keys(): [PublicKeyText, AuthKey][] {
    return [...this.#keys].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** True if any key is listed or an active global grant exists (spec 4.4 step 2). */
  get hasAuth(): boolean {
    return this.#keys.size > 0 || this.global?.status === "Active";
  }

  /** True if an active global grant makes the database public (spec 4.7 b). */
  get isPublic(): boolean {
    return this.global?.status === "Active";
  }

  /**
   * The keys a hint may refer to (spec 4.3): a global hint gives its pubkey with the global
   * grant; a pubkey hint its direct grant; a name hint every key of that name, sorted by
   * pubkey. Unknown keys give no candidates.
   */
  resolveHint(hint: KeyHint): ResolvedKey[] {
    if (hint.is_global === true) {
      if (hint.pubkey === undefined || this.global === undefined) return [];
      return [{ pubkey: hint.pubkey, permission: this.global.permission, status: this.global.status }];
    }
    if (hint.pubkey !== undefined) {
      const key = this.#keys.get(hint.pubkey);
      return key === undefined ? [] : [{ pubkey: hint.pubkey, permission: key.permission, status: key.status }];
    }
    if (hint.name !== undefined) {
      return this.keys()
        .filter(([, key]) => key.name === hint.name)
        .map(([pubkey, key]) => ({ pubkey, permission: key.permission, status: key.status }));
    }
    return [];
  }

  /**
   * The strongest permission `pubkey` holds through an active direct grant or the active
   * global grant (spec 4.6, without delegations), or `undefined`.
   */
  permissionOf(pubkey: PublicKeyText): Permission | undefined {
    const candidates: Permission[] = [];
    const direct = this.#keys.get(pubkey);
    if (direct?.status === "Active") candidates.push(direct.permission);
    if (this.global?.status === "Active") candidates.push(this.global.permission);
    return strongest(candidates);
  }
}

function strongest(permissions: readonly Permission[]): Permission | undefined {
  let best: Permission | undefined;
  for (const p of permissions) if (best === undefined || comparePermissions(p, best) > 0) best = p;
  return best;
}
