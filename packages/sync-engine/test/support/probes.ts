/**
 * Probe helpers for the authorization, replay and penalty tests: hand-made request contexts,
 * handshakes and signed SyncTree requests sent straight to a `sync.handler`, a scene with a
 * private and a public database that both hold a secret, and detectors for what a response
 * discloses (entries, `_settings`, the secret).
 */
import {
  READ,
  SETTINGS_STORE,
  SigningKey,
  fromUtf8,
  idFromDagCbor,
  write,
  type Database,
  type Entry,
  type ID,
  type PublicKeyText,
  type Random,
} from "@eidetica/core";
import {
  PROTOCOL_VERSION,
  encodeResponse,
  parseWireError,
  requestSigningBytes,
  type RequestContext,
  type SyncRequest,
  type SyncRequestAuth,
  type SyncResponse,
  type SyncTreeRequest,
  type WireErrorCode,
} from "@eidetica/protocol";
import type { Sync } from "@eidetica/sync-engine";
import { expect } from "vitest";
import { keyFromSeed, world, type Node, type NodeOptions, type World } from "./world.js";

/** A request context as a transport would build it: from `from` (a sim name), proving `key` if given. */
export function ctx(from: string, key?: PublicKeyText): RequestContext {
  return { remoteAddress: { transportType: "sim", address: from }, transportType: "sim", peerKey: key };
}

/** A handshake request claiming `claim` (as device id and public key unless `deviceId` differs). */
export function handshakeRequest(claim: PublicKeyText, challenge: Uint8Array, options: { deviceId?: PublicKeyText; protocolVersion?: number } = {}): SyncRequest {
  return {
    kind: "Handshake",
    handshake: {
      deviceId: options.deviceId ?? claim,
      publicKey: claim,
      displayName: "probe",
      protocolVersion: options.protocolVersion ?? PROTOCOL_VERSION,
      challenge,
      listenAddresses: [],
    },
  };
}

/** Handshakes with `sync`'s handler in `context` and returns the server's new challenge. */
export async function challengeFrom(sync: Sync, context: RequestContext, claim: PublicKeyText, random: Random): Promise<Uint8Array> {
  const response = await sync.handler.handle(handshakeRequest(claim, random.bytes(32)), context);
  if (response.kind !== "Handshake") throw new Error(`expected a Handshake answer, got ${JSON.stringify(response)}`);
  return response.handshake.newChallenge;
}

/** A request proof by `key` for `serverKey`, database `db` and `tips`, at `timestampMs`, over `nonce`. */
export function signAuth(key: SigningKey, serverKey: PublicKeyText, db: ID, tips: readonly ID[], timestampMs: number, nonce: Uint8Array): SyncRequestAuth {
  return { key: key.publicKey, timestampMs, nonce, signature: key.sign(requestSigningBytes(serverKey, db, tips, timestampMs, nonce)) };
}

/** A SyncTree request for `db` with `tips` (empty: a bootstrap), signed by `auth` if given. */
export function treeRequest(db: ID, tips: readonly ID[], auth: SyncRequestAuth | null, extra: Partial<SyncTreeRequest> = {}): SyncRequest {
  return {
    kind: "SyncTree",
    syncTree: {
      treeId: db,
      ourTips: tips,
      peerPubkey: null,
      requestingKey: null,
      requestingKeyName: null,
      requestedPermission: null,
      metadata: null,
      auth,
      ...extra,
    },
  };
}

/** The entries a response carries (the root of a Bootstrap included). */
export function entriesOf(response: SyncResponse): Entry[] {
  if (response.kind === "Bootstrap") return [response.bootstrap.rootEntry, ...response.bootstrap.allEntries];
  if (response.kind === "Incremental") return [...response.incremental.missingEntries];
  return [];
}

/** What a response discloses: entries, entries with `_settings`, places the secret shows up. */
export interface Disclosure {
  readonly entries: number;
  readonly settings: number;
  readonly secret: number;
}

/**
 * Inspects a response: every entry's stores (the secret in any store's data, a `_settings`
 * store), and the whole encoded response text (for the secret and for `_settings`), so that a
 * leak through any field is counted.
 */
export function disclosure(response: SyncResponse, secret: string): Disclosure {
  const entries = entriesOf(response);
  let settings = 0;
  let found = 0;
  for (const entry of entries) {
    if (entry.hasStore(SETTINGS_STORE)) settings++;
    for (const subtree of entry.subtrees) {
      const data = subtree.data;
      if (data !== undefined && fromUtf8(data).includes(secret)) found++;
    }
  }
  const text = encodeResponse(response);
  if (entries.length === 0 && text.includes(SETTINGS_STORE)) settings++;
  if (entries.length === 0 && text.includes(secret)) found++;
  return { entries: entries.length, settings, secret: found };
}

/** Expects an `Error` response with wire code `code`; returns its message. */
export function expectWire(response: SyncResponse, code: WireErrorCode): string {
  expect(response.kind, JSON.stringify(response).slice(0, 300)).toBe("Error");
  const parsed = parseWireError(response.kind === "Error" ? response.message : "");
  expect(parsed.code, response.kind === "Error" ? response.message : "").toBe(code);
  return parsed.message;
}

/** The one refusal text for a database `db` not served to the requester (README, H6). */
export function notFoundWire(db: ID): string {
  return `not_found: Tree not found: ${db}`;
}

/** An ID no node holds: the CID of random bytes. */
export function fabricatedId(random: Random): ID {
  return idFromDagCbor(random.bytes(40));
}

/** A key derived from random bytes. */
export function randomKey(random: Random): SigningKey {
  return SigningKey.fromSeed(random.bytes(32));
}

/** What a node knows about peers: peer and relationship rows, `_sync` tips, requests, bans. */
export async function peerState(sync: Sync): Promise<string> {
  await sync.persist(); // cursors learned earlier are written now, not during what is probed
  return JSON.stringify({
    peers: sync.store.peers.list().map((p) => p.pubkey),
    relationships: sync.store.relationships.list(),
    tips: await sync.store.database.tips(),
    requests: sync.store.requests.list().length,
    bans: sync.store.bans.list(),
  });
}

/** The scene of the probes: a server holding a private and a public database with a secret. */
export interface Scene {
  readonly w: World;
  readonly server: Node;
  /** Grants only the server's device key (Admin) and `reader` (Read), `writer` (Write); `revoked` is revoked. */
  readonly priv: Database;
  /** The same content, with an active global Read grant. */
  readonly pub: Database;
  /** A database held but not enabled for sync. */
  readonly unserved: Database;
  readonly reader: SigningKey;
  readonly writer: SigningKey;
  readonly revoked: SigningKey;
  readonly secret: string;
}

/** Builds the {@link Scene} from `seed`. */
export async function scene(seed: number, options: NodeOptions = {}): Promise<Scene> {
  const w = world(seed);
  const server = await w.node("server", options);
  const secret = `s3cr3t-${seed}-do-not-disclose`;
  const reader = keyFromSeed(11);
  const writer = keyFromSeed(12);
  const revoked = keyFromSeed(13);
  const fill = async (db: Database, global: boolean) => {
    await db.withTransaction(async (txn) => (await txn.docStore("vault")).set("secret", secret));
    await db.withTransaction(async (txn) => {
      const settings = await txn.settings();
      settings.setAuthKey(reader.publicKey, { permission: READ, status: "Active" });
      settings.setAuthKey(writer.publicKey, { permission: write(5), status: "Active" });
      settings.setAuthKey(revoked.publicKey, { permission: write(5), status: "Revoked" });
      if (global) settings.setGlobalKey({ permission: READ, status: "Active" });
    });
    await db.withTransaction(async (txn) => (await txn.docStore("vault")).set("more", `${secret}-2`));
  };
  const priv = await server.instance.createDatabase({ name: "private" });
  await fill(priv, false);
  await server.sync.enableSync(priv.id);
  const pub = await server.instance.createDatabase({ name: "public" });
  await fill(pub, true);
  await server.sync.enableSync(pub.id);
  const unserved = await server.instance.createDatabase({ name: "unserved" });
  await fill(unserved, true);
  return { w, server, priv, pub, unserved, reader, writer, revoked, secret };
}

/**
 * An entry of the scene's private database signed by the writer key, made on a client node
 * (named `name`) that bootstrapped it: the server does not hold it, its parents are there.
 */
export async function entryNotOnServer(s: Scene, name: string): Promise<Entry> {
  const client = await s.w.node(name);
  const { db } = await client.sync.bootstrap(s.server.sync.createTicket(s.priv.id), { requestingKey: s.writer, keyName: "writer" });
  await db.withTransaction(async (txn) => (await txn.docStore("vault")).set(`pushed by ${name}`, true));
  const [tip] = await db.tips();
  const entry = tip === undefined ? undefined : await client.backend.getEntry(tip);
  if (entry === undefined) throw new Error("no new entry");
  expect(await s.server.backend.hasEntry(entry.id)).toBe(false);
  return entry;
}
