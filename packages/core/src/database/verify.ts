/**
 * Verify before visible (DESIGN 4.2): the checks an entry passes before it is stored, whether
 * it comes from a peer or from a local commit.
 *
 * 1. It belongs to the database, and its parents, store parents and pinned settings tips are
 *    held (the caller waits until they are).
 * 2. Heights rise strictly along every main and store edge (so (height, ID) order is a
 *    topological order, which the state fold relies on).
 * 3. It pins settings no older than its parents' (see the revocation rule in the README):
 *    every settings entry its parents saw is an ancestor of one it pins. A root pins nothing
 *    and is checked against its own settings.
 * 4. Its signature and its key's permission are valid under the pinned settings (spec 4.4).
 */
import { AuthSettings } from "../auth/settings.js";
import { validateEntryAuth, type EntryAuthResult } from "../auth/validate.js";
import type { Doc } from "../crdt/doc.js";
import { docFromJson } from "../crdt/json.js";
import type { Ed25519Provider } from "../crypto/ed25519.js";
import type { Entry } from "../entry/entry.js";
import { decodeEntryMetadata } from "../entry/metadata.js";
import { INDEX_STORE, ROOT_STORE, SETTINGS_STORE } from "../entry/types.js";
import { MalformedError, NotFoundError, UnauthorizedError, WrongDatabaseError } from "../errors/errors.js";
import type { ID } from "../id/id.js";
import type { EntrySource } from "./entry-source.js";
import { BoundedMap, type StateCache } from "./state.js";

/** What {@link verifyEntry} needs besides the entry. */
export interface VerifyContext {
  readonly tree: ID;
  readonly source: EntrySource;
  readonly states: StateCache;
  readonly provider: Ed25519Provider;
}

const pins = new WeakMap<Entry, readonly ID[]>();
const pinsByText = new BoundedMap<string, readonly ID[]>(1024);
// A byte-for-byte text form of the metadata, as a cache key (never parsed as such).
const latin1 = new TextDecoder("latin1");
const authOfSettings = new WeakMap<Doc, AuthSettings>();

/** The settings tips an entry pins (its metadata's `settings_tips`). */
export function pinOf(entry: Entry): readonly ID[] {
  let pin = pins.get(entry);
  if (pin === undefined) {
    const metadata = entry.tree.metadata;
    if (metadata === undefined) throw new MalformedError("entry has no metadata pinning its settings", "tree.metadata");
    // Consecutive entries mostly carry the very same metadata bytes: decode each text once.
    const text = latin1.decode(metadata);
    pin = pinsByText.get(text);
    if (pin === undefined) {
      pin = decodeEntryMetadata(metadata).settingsTips;
      pinsByText.set(text, pin);
    }
    pins.set(entry, pin);
  }
  return pin;
}

// Settings states are immutable Docs, so their parsed auth can be kept beside them.
function authOf(settings: Doc): AuthSettings {
  let auth = authOfSettings.get(settings);
  if (auth === undefined) {
    auth = AuthSettings.fromSettings(settings);
    authOfSettings.set(settings, auth);
  }
  return auth;
}

/**
 * The entries that must be held before `entry` can be verified: main parents, store parents
 * and pinned settings tips. Throws `MALFORMED` if the metadata cannot be read.
 */
export function dependenciesOf(entry: Entry): ID[] {
  const deps = new Set<ID>(entry.parents);
  for (const subtree of entry.subtrees) for (const parent of subtree.parents) deps.add(parent);
  if (!entry.isRoot) for (const tip of pinOf(entry)) deps.add(tip);
  return [...deps];
}

/**
 * Runs every check of verify-before-visible on an entry whose dependencies are held.
 * @throws {EideticaError} `WRONG_DATABASE`, `MALFORMED`, `BAD_SIGNATURE` or `UNAUTHORIZED`.
 */
export async function verifyEntry(entry: Entry, context: VerifyContext): Promise<EntryAuthResult> {
  const { tree, source, states } = context;
  if (!entry.inTree(tree)) throw new WrongDatabaseError(`entry ${entry.id} belongs to another database`);
  for (const store of [SETTINGS_STORE, INDEX_STORE]) {
    const data = entry.storeData(store);
    if (data !== undefined && data.length > 0) docFromJson(data);
  }
  if (entry.isRoot) {
    if (pinOf(entry).length > 0) throw new MalformedError("a root entry pins no settings", "tree.metadata");
    const auth = AuthSettings.fromSettings(states.dataOf(entry, SETTINGS_STORE));
    return validateEntryAuth(entry, auth, context.provider);
  }

  const held = async (id: ID, what: string): Promise<Entry> => {
    const found = await source.getEntry(id);
    if (found === undefined) throw new NotFoundError(`${what} ${id} is not held`);
    if (!found.inTree(tree)) throw new WrongDatabaseError(`${what} ${id} belongs to another database`);
    return found;
  };
  const parents = await Promise.all(entry.parents.map((id) => held(id, "parent")));
  for (const parent of parents) {
    if (entry.height <= parent.height) throw new MalformedError("height must be above every parent's", "tree.h");
  }
  for (const subtree of entry.subtrees) {
    if (subtree.name === ROOT_STORE) continue;
    for (const id of subtree.parents) {
      const parent = await held(id, `${subtree.name} parent`);
      if (!parent.hasStore(subtree.name)) {
        throw new MalformedError(`store parent ${id} does not take part in ${subtree.name}`, "subtrees");
      }
      if (entry.storeHeight(subtree.name) <= parent.storeHeight(subtree.name)) {
        throw new MalformedError(`height in ${subtree.name} must be above every store parent's`, "subtrees");
      }
    }
  }

  const pin = pinOf(entry);
  if (pin.length === 0) throw new UnauthorizedError("a non-root entry must pin the settings it is signed under");
  const pinned = await settingsClosure(pin, context);
  for (const parent of parents) {
    const seen = parent.hasStore(SETTINGS_STORE) ? [parent.id] : pinOf(parent);
    for (const id of seen) {
      if (!pinned.has(id)) throw new UnauthorizedError("entry pins settings older than its parents'");
    }
  }
  const settings = await states.stateAt(SETTINGS_STORE, pin, source);
  return validateEntryAuth(entry, authOf(settings), context.provider);
}

/** All `_settings` entries at or below the pinned tips (each must be a held settings entry). */
async function settingsClosure(pin: readonly ID[], context: VerifyContext): Promise<ReadonlySet<ID>> {
  const key = pin.join(",");
  const known = context.states.settingsClosures.get(key);
  if (known !== undefined) return known;
  const closure = new Set<ID>();
  const stack = [...pin];
  while (stack.length > 0) {
    const id = stack.pop() as ID;
    if (closure.has(id)) continue;
    const entry = await context.source.getEntry(id);
    if (entry === undefined) throw new NotFoundError(`pinned settings entry ${id} is not held`);
    if (!entry.inTree(context.tree) || !entry.hasStore(SETTINGS_STORE)) {
      throw new MalformedError(`pinned ${id} is not a settings entry of this database`, "tree.metadata");
    }
    closure.add(id);
    for (const parent of entry.storeParents(SETTINGS_STORE)) stack.push(parent);
  }
  // Entries are immutable and a held entry is never removed, so a closure never changes.
  context.states.settingsClosures.set(key, closure);
  return closure;
}
