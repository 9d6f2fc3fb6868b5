/**
 * Helpers for the tests ported from Eidetica's Rust sync tests (spec 6.2): hand-built
 * requests for direct `sync.handler.handle` calls, signed reads, disclosure probes, snapshots
 * of what a node stores, Rust's two server setups, and a second transport kind for routing.
 */
import { Instance, READ, SigningKey, admin, fromUtf8, idFromRawBytes, seededRandom, utf8, type Database, type Entry, type ID, type Permission, type PublicKeyText } from "@eidetica/core";
import {
  ForwardingTransport,
  PROTOCOL_VERSION,
  newChallenge,
  requestSigningBytes,
  type Address,
  type HandshakeResponse,
  type RequestContext,
  type SendOptions,
  type SyncRequest,
  type SyncRequestAuth,
  type SyncResponse,
  type SyncTransport,
  type SyncTreeRequest,
} from "@eidetica/protocol";
import { testSeed } from "@eidetica/test-kit";
import { MockTransport, type SimNetwork } from "@eidetica/transport-mock";
import { Sync, type SyncCreateOptions } from "@eidetica/sync-engine";
import { keyFromSeed, memoryLogger, recordingTimers, type Node, type NodeOptions, type World } from "./world.js";

/** What a transport tells the handler about a request, for direct handler calls. */
export function requestContext(options: { readonly peerKey?: PublicKeyText; readonly remote?: Address } = {}): RequestContext {
  return { remoteAddress: options.remote, transportType: options.remote?.transportType ?? "direct", peerKey: options.peerKey };
}

/** A handshake request claiming `key` (as device ID and public key, unless told otherwise). */
export function handshakeRequest(
  key: PublicKeyText,
  options: { readonly displayName?: string | null; readonly listen?: readonly Address[]; readonly challenge?: Uint8Array; readonly version?: number; readonly deviceId?: PublicKeyText } = {},
): SyncRequest & { readonly kind: "Handshake" } {
  return {
    kind: "Handshake",
    handshake: {
      deviceId: options.deviceId ?? key,
      publicKey: key,
      displayName: options.displayName === undefined ? "Test Peer" : options.displayName,
      protocolVersion: options.version ?? PROTOCOL_VERSION,
      challenge: options.challenge ?? newChallenge(seededRandom(0x5eed)),
      listenAddresses: options.listen ?? [],
    },
  };
}

/** A SyncTree request with Rust's defaults (no identifiers, no signature) and the given fields. */
export function syncTreeRequest(fields: Partial<SyncTreeRequest> & { readonly treeId: ID }): SyncRequest & { readonly kind: "SyncTree" } {
  return {
    kind: "SyncTree",
    syncTree: {
      ourTips: [],
      peerPubkey: null,
      requestingKey: null,
      requestingKeyName: null,
      requestedPermission: null,
      metadata: null,
      auth: null,
      ...fields,
    },
  };
}

/** A signature by `key` over a SyncTree request for `server` (spec 5.5), with this nonce. */
export function signedAuth(key: SigningKey, server: PublicKeyText, db: ID, tips: readonly ID[], timestampMs: number, nonce: Uint8Array): SyncRequestAuth {
  return { key: key.publicKey, timestampMs, nonce, signature: key.sign(requestSigningBytes(server, db, tips, timestampMs, nonce)) };
}

/** The handshake answer, or a failed assertion naming what came instead. */
export function handshakeOf(response: SyncResponse): HandshakeResponse {
  if (response.kind !== "Handshake") throw new Error(`expected a Handshake response, got ${JSON.stringify(response)}`);
  return response.handshake;
}

/**
 * Handshakes with `sync`'s handler directly, claiming `key` (unproven unless `peerKey` is
 * given), and returns the challenge the server issued: the nonce of the next signed read.
 */
export async function serverChallenge(sync: Sync, key: PublicKeyText, context: RequestContext = requestContext()): Promise<Uint8Array> {
  return handshakeOf(await sync.handler.handle(handshakeRequest(key), context)).newChallenge;
}

/** Rust's `ID::from_bytes("nonexistent_tip")`: a tip no database holds. */
export function fabricatedTip(): ID {
  return idFromRawBytes(utf8("nonexistent_tip"));
}

/** The `Error` text Rust and this project both give for a database not served (H6). */
export function notFoundText(db: ID): string {
  return `not_found: Tree not found: ${db}`;
}

/** The entries a response serves: an incremental page, or a bootstrap's root and page; none otherwise. */
export function servedEntries(response: SyncResponse): readonly Entry[] {
  if (response.kind === "Incremental") return response.incremental.missingEntries;
  if (response.kind === "Bootstrap") return [response.bootstrap.rootEntry, ...response.bootstrap.allEntries];
  return [];
}

/** True if any served entry carries `secret` in the decoded data of any store. */
export function disclosesSecret(response: SyncResponse, secret: string): boolean {
  return servedEntries(response).some((entry) =>
    entry.storeNames().some((store) => {
      const data = entry.storeData(store);
      return data !== undefined && fromUtf8(data).includes(secret);
    }),
  );
}

/** True if any served entry carries `_settings` (the key list). */
export function disclosesSettings(response: SyncResponse): boolean {
  return servedEntries(response).some((entry) => entry.hasStore("_settings"));
}

/** Every entry ID the instance's backend holds, over every root, sorted. */
export async function backendEntryIds(instance: Instance): Promise<ID[]> {
  const ids: ID[] = [];
  for (const root of await instance.backend.allRoots()) {
    for (const entry of await instance.backend.ancestors(root, await instance.backend.treeTips(root))) ids.push(entry.id);
  }
  return ids.sort();
}

/** Every entry ID the instance's backend holds outside the `_sync` database, sorted: the data a peer could have sent. */
export async function dataEntryIds(sync: Sync): Promise<ID[]> {
  const own = new Set((await sync.store.database.entries()).map((entry) => entry.id));
  return (await backendEntryIds(sync.instance)).filter((id) => !own.has(id));
}

/** What a node stores: the `_sync` database's tips and every entry its backend holds. */
export interface Stored {
  readonly syncTips: readonly ID[];
  readonly entries: readonly ID[];
}

/** A snapshot of what `sync`'s node stores, to compare before and after a refused request. */
export async function stored(sync: Sync): Promise<Stored> {
  await sync.persist(); // cursors learned earlier are written now, not during what is compared
  return { syncTips: await sync.store.database.tips(), entries: await backendEntryIds(sync.instance) };
}

/** The secret Rust's incremental-auth tests write and probe for. */
export const SECRET = "TOP_SECRET_VALUE";

/** Writes {@link SECRET} to the `data` store (Rust `write_secret`). */
export async function writeSecret(db: Database): Promise<ID> {
  return db.withTransaction(async (txn) => (await txn.docStore("data")).set("secret", SECRET));
}

/** A fresh key from the test seed (Rust's `generate_keypair`); print `seedHint()` with what it decides. */
export function randomKey(n: number): SigningKey {
  return SigningKey.generate(seededRandom(BigInt(testSeed()) * 1_000n + BigInt(n)));
}

/** A server set up as Rust's `setup_manual_approval_server` or `setup_global_wildcard_server`. */
export interface RustServer {
  readonly server: Node;
  /** The user key that created the database (Admin(0)). */
  readonly userKey: SigningKey;
  /** The database, opened with the user key. */
  readonly db: Database;
}

/**
 * Rust's manual-approval server: a database created by a user key (Admin(0)) that also grants
 * the device key Admin(0), no global grant, sync enabled, manual approval (the default).
 * `global` adds a global grant (Rust's wildcard server uses Admin(0); pass `READ` for a
 * read-only public database).
 */
export async function rustServer(w: World, options: NodeOptions & { readonly global?: Permission; readonly name?: string } = {}): Promise<RustServer> {
  const { global, name, ...nodeOptions } = options;
  const server = await w.node(name ?? "server", nodeOptions);
  const userKey = keyFromSeed(77);
  const db = await server.instance.createDatabase({ name: "rust", signingKey: userKey });
  await db.withTransaction(async (txn) => {
    const settings = await txn.settings();
    settings.setAuthKey(server.instance.id, { permission: admin(0), status: "Active" });
    if (global !== undefined) settings.setGlobalKey({ permission: global, status: "Active" });
  });
  await server.sync.enableSync(db.id);
  return { server, userKey, db };
}

/** Grants `key` `permission` in `db` (signed by the handle's key, which must be Admin). */
export async function grant(db: Database, key: PublicKeyText, permission: Permission = READ): Promise<void> {
  await db.withTransaction(async (txn) => (await txn.settings()).setAuthKey(key, { permission, status: "Active" }));
}

/** The kind of {@link AltTransport}'s addresses. */
export const ALT_KIND = "alt";

/**
 * A second transport kind for routing tests (standing in for iroh next to HTTP): kind `"alt"`,
 * carried by a MockTransport on the same network under its own node name. Counts the requests
 * it sends, so a test can see which transport carried what.
 */
export class AltTransport extends ForwardingTransport {
  override get kind(): string {
    return ALT_KIND;
  }
  /** Requests sent through this transport. */
  sent = 0;

  constructor(network: SimNetwork, name: string, peerKey?: PublicKeyText) {
    super(new MockTransport(network, { name, ...(peerKey === undefined ? {} : { peerKey }), onHandlerError: () => undefined }));
  }

  /** This node's alt address, whether or not it serves. */
  get address(): Address {
    return { transportType: ALT_KIND, address: (this.inner as MockTransport).address.address };
  }

  override canHandleAddress(address: Address): boolean {
    return address.transportType === ALT_KIND;
  }

  override serverAddress(): Address | undefined {
    return this.inner.isServerRunning() ? this.address : undefined;
  }

  override sendRequest(address: Address, request: SyncRequest, options?: SendOptions): Promise<SyncResponse> {
    this.sent++;
    return this.inner.sendRequest({ transportType: this.inner.kind, address: address.address }, request, options);
  }
}

/** Counts the requests a transport sends (wraps it; same kind and addresses). */
export class CountingTransport extends ForwardingTransport {
  sent = 0;

  override sendRequest(address: Address, request: SyncRequest, options?: SendOptions): Promise<SyncResponse> {
    this.sent++;
    return super.sendRequest(address, request, options);
  }
}

/** A node on `w` without the world's MockTransport: its transports are made by `transports`. */
export interface BareNode {
  readonly instance: Instance;
  readonly sync: Sync;
}

let bareNodes = 0;

/**
 * A node of world `w` (its clock; fixed-seed randomness) whose transports are the ones
 * `transports` makes for its device key, for nodes with another transport mix than the world's.
 */
export async function bareNode(
  w: World,
  transports: (key: PublicKeyText) => readonly SyncTransport[],
  options: Omit<SyncCreateOptions, "transports" | "clock" | "timers" | "logger"> & { readonly serve?: boolean } = {},
): Promise<BareNode> {
  bareNodes++;
  // Fixed seeds (not the test seed): tests using bare nodes replay exactly without a seed hint.
  const instance = await Instance.create({ clock: w.clock, random: seededRandom(900_000 + bareNodes) });
  const { serve, ...syncOptions } = options;
  const sync = await Sync.create(instance, { ...syncOptions, transports: transports(instance.id), clock: w.clock, timers: recordingTimers(), logger: memoryLogger() });
  if (serve === true) await sync.startServers();
  return { instance, sync };
}
