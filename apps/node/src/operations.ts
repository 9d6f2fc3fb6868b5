/**
 * What the CLI can ask of a node, as functions of JSON arguments to JSON results. The same
 * functions run in the CLI's own process (no server running) and inside `eidetica serve`
 * behind the admin API, so both paths behave the same.
 */
import { NotFoundError, READ, admin, toPlain, write, type Database, type ID, type Permission } from "@eidetica/core";
import { parseTicket, type Address } from "@eidetica/protocol";
import type { EideticaNode } from "./node.js";
import { NotServingError, UsageError } from "./errors.js";

/** Progress of a long operation (a join): entries received and verified so far, and the rate. */
export interface Progress {
  readonly database: ID;
  readonly received: number;
  readonly ratePerSecond: number;
}

/** What an operation gets besides its arguments. */
export interface OperationContext {
  readonly node: EideticaNode;
  /** True inside `eidetica serve` (servers and engine running). */
  readonly serving: boolean;
  readonly progress?: (progress: Progress) => void;
  readonly signal?: AbortSignal;
}

type Args = Readonly<Record<string, unknown>>;

const text = (args: Args, name: string): string => {
  const value = args[name];
  if (typeof value !== "string" || value.length === 0) throw new UsageError(`${name} must be a non-empty string`);
  return value;
};

/** The databases held here, without the node's own `_sync` database. */
async function userDatabases(node: EideticaNode): Promise<ID[]> {
  const own = node.sync.store.database.id;
  return (await node.instance.listDatabases()).filter((id) => id !== own);
}

/** A database named by its ID or by its unique name. */
async function resolveDatabase(node: EideticaNode, name: string): Promise<Database> {
  const held = await userDatabases(node);
  if (held.includes(name as ID)) return node.instance.openDatabase(name as ID);
  const matches: Database[] = [];
  for (const id of held) {
    const db = await node.instance.openDatabase(id);
    if ((await db.name()) === name) matches.push(db);
  }
  if (matches.length > 1) throw new UsageError(`${matches.length} databases are named ${JSON.stringify(name)}; name one by its ID`);
  const [match] = matches;
  if (match === undefined) throw new NotFoundError(`no database ${JSON.stringify(name)} here (\`eidetica status\` lists them)`);
  return match;
}

function parsePermission(value: unknown): Permission {
  if (value === undefined || value === "write") return write(10);
  if (value === "read") return READ;
  if (value === "admin") return admin(10);
  throw new UsageError(`permission must be read, write or admin, got ${JSON.stringify(value)}`);
}

async function databaseSummary(node: EideticaNode, db: Database) {
  const status = await node.sync.handle(db.id).status();
  return {
    id: db.id,
    name: (await db.name()) ?? null,
    entries: await node.instance.backend.countEntries(db.id),
    tips: await db.tips(),
    syncEnabled: node.sync.store.databases.isEnabled(db.id),
    peers: status.peers,
    lastSync: status.lastSync,
    lastError: status.lastError === null ? null : { code: status.lastError.code, message: status.lastError.message },
  };
}

/** The value at `key` of the DocStore `store`: a dotted key is a path, as `put` writes it. */
async function readKey(db: Database, store: string, key: string): Promise<unknown> {
  const value = (await db.storeState(store)).get(key);
  return value === undefined ? undefined : toPlain(value);
}

/** Waits until `key` of the DocStore `store` in `db` holds `value` (checked on every write). */
async function waitForValue(db: Database, node: EideticaNode, store: string, key: string, value: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const holds = async () => (await readKey(db, store, key)) === value;
  if (await holds()) return;
  await new Promise<void>((resolve, reject) => {
    let checking = false;
    let again = false;
    const finish = (error?: Error) => {
      clearTimeout(timer);
      unsubscribe();
      signal?.removeEventListener("abort", onAbort);
      if (error === undefined) resolve();
      else reject(error);
    };
    const check = async () => {
      if (checking) return void (again = true);
      checking = true;
      try {
        do {
          again = false;
          if (await holds()) return finish();
        } while (again);
      } catch (error) {
        finish(error as Error);
      } finally {
        checking = false;
      }
    };
    const unsubscribe = node.instance.onWrite((event) => {
      if (event.database === db.id) void check();
    });
    const onAbort = () => finish(new UsageError("the wait was cancelled"));
    signal?.addEventListener("abort", onAbort);
    const timer = setTimeout(() => finish(new NotFoundError(`${key} did not become ${JSON.stringify(value)} within ${timeoutMs} ms`)), timeoutMs);
    void check();
  });
}

/** The operations, by name. */
export const operations = {
  async status(context: OperationContext, args: Args) {
    const { node } = context;
    if (args["db"] !== undefined) return databaseSummary(node, await resolveDatabase(node, text(args, "db")));
    const databases = [];
    for (const id of await userDatabases(node)) databases.push(await databaseSummary(node, await node.instance.openDatabase(id)));
    return {
      id: node.instance.id,
      dataDir: node.config.dataDir,
      serving: context.serving,
      addresses: context.serving ? node.sync.serverAddresses() : [],
      databases,
      pendingRequests: node.sync.pendingRequests().length,
    };
  },

  async create(context: OperationContext, args: Args) {
    const db = await context.node.instance.createDatabase({ name: text(args, "name") });
    await context.node.sync.enableSync(db.id);
    return { id: db.id, name: text(args, "name") };
  },

  async put(context: OperationContext, args: Args) {
    const db = await resolveDatabase(context.node, text(args, "db"));
    const key = text(args, "key");
    const value = args["value"];
    if (typeof value !== "string") throw new UsageError("value must be a string");
    const store = typeof args["store"] === "string" ? args["store"] : "data";
    const entry = await db.withTransaction(async (txn) => (await txn.docStore(store)).set(key, value));
    return { db: db.id, key, entry };
  },

  async get(context: OperationContext, args: Args) {
    const db = await resolveDatabase(context.node, text(args, "db"));
    const key = text(args, "key");
    const store = typeof args["store"] === "string" ? args["store"] : "data";
    if (typeof args["wait"] === "string") {
      const timeoutMs = typeof args["timeoutMs"] === "number" ? args["timeoutMs"] : 30_000;
      await waitForValue(db, context.node, store, key, args["wait"], timeoutMs, context.signal);
    }
    const value = await readKey(db, store, key);
    if (value === undefined) throw new NotFoundError(`no key ${JSON.stringify(key)} in ${db.id}`);
    return { db: db.id, key, value };
  },

  async share(context: OperationContext, args: Args) {
    const db = await resolveDatabase(context.node, text(args, "db"));
    if (!context.serving) throw new NotServingError("share needs a running node to name its addresses: start `eidetica serve` first");
    if (!context.node.sync.store.databases.isEnabled(db.id)) await context.node.sync.enableSync(db.id);
    return { db: db.id, ticket: context.node.sync.createTicket(db.id), addresses: context.node.sync.serverAddresses() };
  },

  async join(context: OperationContext, args: Args) {
    const { node } = context;
    const ticket = parseTicket(text(args, "ticket"));
    const via = args["via"];
    const addresses: Address[] = via === undefined ? [...ticket.addresses] : ticket.addresses.filter((a) => a.transportType === via);
    if (addresses.length === 0) throw new UsageError(via === undefined ? "the ticket names no address" : `the ticket names no ${String(via)} address`);
    // A bootstrap cut off after its entries were all in leaves the database here with sync off
    // (its settings are written after it becomes visible). Joining again turns sync on, first,
    // so that the sharer's pushes released by this join's handshake find the database served.
    const held = (await node.instance.listDatabases()).includes(ticket.database);
    if (held && !node.sync.store.databases.isEnabled(ticket.database)) await node.sync.enableSync(ticket.database);
    const started = performance.now();
    const off = node.sync.events.on("sync:progress", (event) => {
      if (event.database !== ticket.database || event.direction !== "pull") return;
      const seconds = (performance.now() - started) / 1000;
      context.progress?.({ database: ticket.database, received: event.have, ratePerSecond: seconds > 0 ? event.have / seconds : 0 });
    });
    try {
      const result = await node.sync.bootstrap(
        { database: ticket.database, addresses },
        { requestingKey: node.instance.deviceKey, permission: parsePermission(args["permission"]), ...(context.signal === undefined ? {} : { signal: context.signal }) },
      );
      const seconds = (performance.now() - started) / 1000;
      // Writes made while the bootstrap ran, and the sharer's pushes that failed while the
      // database was not here yet (now waiting for a backoff): a both-ways sync, whose handshake
      // also tells the sharer's engine this node is reachable, brings them at once.
      if (context.serving) node.sync.engine.enqueue(result.peer, result.db.id, "sync");
      return {
        db: result.db.id,
        name: (await result.db.name()) ?? null,
        received: result.received,
        seconds,
        keyApproved: result.keyApproved,
        permission: result.grantedPermission,
      };
    } finally {
      off();
    }
  },

  async peers(context: OperationContext) {
    const { store } = context.node.sync;
    return store.peers.list().map((peer) => ({
      key: peer.pubkey,
      name: peer.displayName,
      status: peer.status,
      addresses: peer.addresses,
      databases: store.relationships.databasesOf(peer.pubkey),
      lastSuccessfulSync: peer.lastSuccessfulSync,
      lastError: peer.lastError,
    }));
  },

  async requests(context: OperationContext, args: Args) {
    const db = args["db"] === undefined ? undefined : (await resolveDatabase(context.node, text(args, "db"))).id;
    return context.node.sync.pendingRequests(db).map((request) => ({
      id: request.id,
      database: request.database,
      key: request.requestingKey,
      keyName: request.keyName,
      permission: request.permission,
      requestedAt: request.requestedAt,
      peer: request.peerKey,
    }));
  },

  async approve(context: OperationContext, args: Args) {
    const request = await context.node.sync.approveRequest(requestId(context, args));
    return { id: request.id, database: request.database, key: request.requestingKey, state: request.status.state };
  },

  async reject(context: OperationContext, args: Args) {
    const request = await context.node.sync.rejectRequest(requestId(context, args));
    return { id: request.id, database: request.database, key: request.requestingKey, state: request.status.state };
  },
} as const;

function requestId(context: OperationContext, args: Args): string {
  const id = text(args, "id");
  if (context.node.sync.store.requests.get(id) === undefined) throw new NotFoundError(`no bootstrap request ${JSON.stringify(id)} (\`eidetica requests\` lists the pending ones)`);
  return id;
}

/** The name of an operation. */
export type OperationName = keyof typeof operations;

/** True if `name` names an operation. */
export function isOperationName(name: string): name is OperationName {
  return Object.hasOwn(operations, name);
}

/** Runs an operation by name. */
export async function runOperation(name: OperationName, context: OperationContext, args: Args): Promise<unknown> {
  return operations[name](context, args);
}

