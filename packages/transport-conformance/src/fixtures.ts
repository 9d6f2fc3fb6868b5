/**
 * Deterministic messages for the suite: real signed entries, one request of each kind, and
 * SendEntries / Incremental messages of an exact encoded size.
 */
import {
  Doc,
  EntryBuilder,
  SigningKey,
  seededRandom,
  signEntry,
  sortedUniqueIds,
  write,
  type Entry,
} from "@eidetica/core";
import {
  encodeRequest,
  encodeResponse,
  signSyncRequest,
  type HandshakeRequest,
  type SyncRequest,
  type SyncResponse,
  type SyncTreeRequest,
} from "@eidetica/protocol";

/** The fixed clock reading of the suite's signed requests (2024-01-01). */
export const FIXTURE_TIME_MS = 1_704_067_200_000;

/** The suite's signed entries and one request of each kind, the same on every run. */
export interface ConformanceFixtures {
  /** The key that signs every fixture entry and request. */
  readonly key: SigningKey;
  /** A signed database root. */
  readonly root: Entry;
  /** Three signed children of {@link ConformanceFixtures.root}, each writing a small store. */
  readonly children: readonly Entry[];
  /** A `Handshake` request with a 32-byte challenge and one listen address. */
  readonly handshake: SyncRequest & { readonly kind: "Handshake" };
  /** A `SyncTree` request with tips, metadata, a requested permission and a signed `auth`. */
  readonly syncTree: SyncRequest & { readonly kind: "SyncTree" };
  /** A `SendEntries` request carrying the root and its children. */
  readonly sendEntries: SyncRequest & { readonly kind: "SendEntries" };
}

let cached: ConformanceFixtures | undefined;

/** The suite's fixtures (built once per process, deterministic). */
export function conformanceFixtures(): ConformanceFixtures {
  cached ??= buildFixtures();
  return cached;
}

function buildFixtures(): ConformanceFixtures {
  const random = seededRandom(20240101);
  const key = SigningKey.fromSeed(random.bytes(32));
  const root = signEntry(EntryBuilder.root().build(), key);
  const children = [1, 2, 3].map((n) =>
    signEntry(
      new EntryBuilder(root.id)
        .parents([root.id])
        .height(1)
        .storeData("notes", new TextEncoder().encode(`{"n":${n}}`))
        .storeParents("notes", [])
        .build(),
      key,
    ),
  );
  const tips = sortedUniqueIds(children.map((c) => c.id));
  const handshake: HandshakeRequest = {
    deviceId: key.publicKey,
    publicKey: key.publicKey,
    displayName: "conformance",
    protocolVersion: 0,
    challenge: random.bytes(32),
    listenAddresses: [{ transportType: "conformance", address: "peer-a" }],
  };
  const syncTree: SyncTreeRequest = {
    treeId: root.id,
    ourTips: tips,
    peerPubkey: key.publicKey,
    requestingKey: key.publicKey,
    requestingKeyName: "conformance",
    requestedPermission: write(5),
    metadata: Doc.from({ purpose: "conformance", round: 1 }),
    auth: signSyncRequest(key, key.publicKey, root.id, tips, FIXTURE_TIME_MS, random),
  };
  return {
    key,
    root,
    children,
    handshake: { kind: "Handshake", handshake },
    syncTree: { kind: "SyncTree", syncTree },
    sendEntries: { kind: "SendEntries", entries: [root, ...children] },
  };
}

/** Data bytes in each full entry of a sized message: about 1 MB of wire JSON, 0.5 MB encoded. */
const CHUNK = 500_000;

function blob(root: Entry, key: SigningKey, index: number, size: number): Entry {
  // Single-digit bytes are two wire characters each ("7,"), so sizes can be hit exactly.
  const data = new Uint8Array(size).fill(index % 10);
  const store = `blob-${index}`;
  return signEntry(new EntryBuilder(root.id).parents([root.id]).height(1).storeData(store, data).storeParents(store, []).build(), key);
}

/**
 * Signed entries whose message, as measured by `wireBytes`, is `target` bytes or one less.
 * Each entry stays well under the 1 MiB entry limit (`LIMITS.entryBytes`), so large
 * messages carry several entries.
 */
export function entriesOfWireSize(target: number, wireBytes: (entries: readonly Entry[]) => number): Entry[] {
  const { key, root } = conformanceFixtures();
  const entries: Entry[] = [];
  for (;;) {
    const base = wireBytes([...entries, blob(root, key, entries.length, 1)]);
    const room = Math.floor((target - base) / 2);
    if (room < 0) throw new RangeError(`cannot build a message of ${target} bytes`);
    if (room < CHUNK) {
      entries.push(blob(root, key, entries.length, room + 1));
      return entries;
    }
    entries.push(blob(root, key, entries.length, CHUNK));
  }
}

const utf8Length = (text: string) => new TextEncoder().encode(text).length;

/** The encoded size of a `SendEntries` request. */
export const sendEntriesBytes = (entries: readonly Entry[]): number => utf8Length(encodeRequest({ kind: "SendEntries", entries }));

/** An `Incremental` response carrying `entries` for the fixture database. */
export function incrementalOf(entries: readonly Entry[]): SyncResponse {
  const { root } = conformanceFixtures();
  return { kind: "Incremental", incremental: { treeId: root.id, theirTips: [root.id], missingEntries: entries } };
}

/** The encoded size of {@link incrementalOf} `entries`. */
export const incrementalBytes = (entries: readonly Entry[]): number => utf8Length(encodeResponse(incrementalOf(entries)));

const sized = new Map<string, Entry[]>();

/** {@link entriesOfWireSize}, cached per size and message. */
export function sizedEntries(target: number, message: "request" | "response"): Entry[] {
  const name = `${message}:${target}`;
  let entries = sized.get(name);
  if (entries === undefined) {
    entries = entriesOfWireSize(target, message === "request" ? sendEntriesBytes : incrementalBytes);
    sized.set(name, entries);
  }
  return entries;
}
