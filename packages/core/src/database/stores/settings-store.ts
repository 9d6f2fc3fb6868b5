/**
 * {@link SettingsStore}: the `_settings` DocStore with helpers for the name, auth keys and the
 * height strategy (spec 2.7). Changing settings needs an Admin key.
 */
import { AuthSettings, authKeyFromDoc, authKeyToDoc, type AuthKey } from "../../auth/settings.js";
import type { PublicKeyText } from "../../entry/types.js";
import { MalformedError, NotFoundError } from "../../errors/errors.js";
import { DocStore } from "./doc-store.js";

/** How heights of new entries are chosen (spec 1.8). */
export type HeightStrategy = "incremental" | "timestamp";

/** Reads a height strategy stored as JSON text (`"\"timestamp\""`); default incremental. */
export function parseHeightStrategy(text: string | undefined): HeightStrategy {
  if (text === undefined) return "incremental";
  try {
    const value: unknown = JSON.parse(text);
    if (value === "incremental" || value === "timestamp") return value;
  } catch {
    // fall through to the typed error
  }
  throw new MalformedError(`unknown height strategy ${JSON.stringify(text.slice(0, 40))}`, "height_strategy");
}

/** The settings store inside a transaction. */
export class SettingsStore extends DocStore {
  /** `name`, if set. */
  getName(): string | undefined {
    return this.getText("name");
  }

  /** Sets `name`. */
  setName(name: string): void {
    this.set("name", name);
  }

  /** The auth settings as this transaction sees them. */
  auth(): AuthSettings {
    return AuthSettings.fromSettings(this.getAll());
  }

  /** Grants (or replaces the grant of) a key. */
  setAuthKey(pubkey: PublicKeyText, key: AuthKey): void {
    this.set(`auth.keys.${pubkey}`, authKeyToDoc(key));
  }

  /** Sets the wildcard grant that any key may sign under. */
  setGlobalKey(key: AuthKey): void {
    this.set("auth.global", authKeyToDoc(key));
  }

  /**
   * Revokes a key: its grant stays, with status `Revoked`.
   * @throws {NotFoundError} if the key has no grant.
   */
  revokeKey(pubkey: PublicKeyText): void {
    const doc = this.getAll().getDoc("auth")?.getDoc("keys")?.getDoc(pubkey);
    if (doc === undefined) throw new NotFoundError(`key ${pubkey} has no grant`);
    this.setAuthKey(pubkey, { ...authKeyFromDoc(doc, `auth.keys.${pubkey}`), status: "Revoked" });
  }

  /** The database's height strategy. */
  heightStrategy(): HeightStrategy {
    return parseHeightStrategy(this.getText("height_strategy"));
  }

  /** Sets the height strategy (stored as JSON text, as Rust does). */
  setHeightStrategy(strategy: HeightStrategy): void {
    this.set("height_strategy", JSON.stringify(strategy));
  }
}
