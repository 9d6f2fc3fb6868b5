/** The root entry of a new database (spec 1.6). */
import { admin } from "../auth/permission.js";
import { authKeyToDoc } from "../auth/settings.js";
import { Doc } from "../crdt/doc.js";
import { docToJsonBytes } from "../crdt/json.js";
import type { SigningKey } from "../crypto/keys.js";
import { EntryBuilder } from "../entry/builder.js";
import type { Entry } from "../entry/entry.js";
import { encodeEntryMetadata } from "../entry/metadata.js";
import { signEntry } from "../entry/signing.js";
import { ROOT_STORE, SETTINGS_STORE } from "../entry/types.js";
import { MalformedError } from "../errors/errors.js";
import { utf8 } from "../util/bytes.js";
import { randomU64, type Random } from "../util/random.js";

/**
 * A signed root: `_root` holding `""`, `_settings` granting `key` Admin(0) (plus `name` and
 * the given settings), and entropy in its metadata. Its ID is the database ID.
 * @throws {MalformedError} if `settings` already contains `auth`.
 */
export function rootEntry(key: SigningKey, random: Random, options: { readonly settings?: Doc; readonly name?: string } = {}): Entry {
  let settings = options.settings ?? new Doc();
  if (settings.get("auth") !== undefined) {
    throw new MalformedError("initial settings must not contain auth; it is written for the signing key", "_settings.auth");
  }
  if (options.name !== undefined) settings = settings.set("name", options.name);
  settings = settings.set(`auth.keys.${key.publicKey}`, authKeyToDoc({ permission: admin(0), status: "Active" }));
  const unsigned = EntryBuilder.root()
    .storeData(ROOT_STORE, utf8('""'))
    .storeData(SETTINGS_STORE, docToJsonBytes(settings))
    .metadata(encodeEntryMetadata({ settingsTips: [], entropy: randomU64(random) }))
    .build();
  return signEntry(unsigned, key);
}
