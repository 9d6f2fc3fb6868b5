/**
 * The reference node end to end, as an operator runs it: real `eidetica` processes, each on its
 * own SQLite file, syncing over HTTP and iroh on loopback. init, serve, share, join with
 * approval (and a rejection), writes both ways, status, peers, /health and /metrics, and a
 * restart that keeps peers, relationships and settings and delivers the pushes left pending.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../src/errors.js";
import { cli, cliJson, ServingNode, tempRoot } from "./support/nodes.js";

type DbStatus = { id: string; name: string; entries: number; tips: string[]; syncEnabled: boolean; peers: string[] };
type Status = { id: string; databases: DbStatus[] };
type Peer = { key: string; addresses: { transportType: string }[]; databases: string[] };

const temp = tempRoot("eidetica-e2e-");
const dirs = { a: temp.dir("a"), b: temp.dir("b"), c: temp.dir("c"), d: temp.dir("d") };
type Name = "a" | "b" | "c";
const nodes: Partial<Record<Name, ServingNode>> = {};
const node = (name: Name): ServingNode => {
  const found = nodes[name];
  if (found === undefined) throw new Error(`node ${name} is not running`);
  return found;
};
let ticket = "";
let dbId = "";

beforeAll(async () => {
  expect((await cli(["--data", dirs.a, "init"])).code).toBe(0);
  expect((await cli(["--data", dirs.b, "init", "--no-iroh"])).code).toBe(0);
  expect((await cli(["--data", dirs.c, "init", "--no-http"])).code).toBe(0);
  [nodes.a, nodes.b, nodes.c] = await Promise.all([ServingNode.start(dirs.a), ServingNode.start(dirs.b), ServingNode.start(dirs.c)]);
}, 60_000);

afterAll(async () => {
  await Promise.all(Object.values(nodes).map((n) => n.stop("SIGKILL")));
  temp.cleanup();
});

/** Joins `dir` through its running node: a first attempt waits for approval, `decide` settles it. */
async function joinWithApproval(dir: string, via: "http" | "iroh") {
  const first = await cli(["--data", dir, "--json", "join", "--via", via, ticket]);
  expect(first.code, first.stderr).toBe(EXIT.pending);
  return (JSON.parse(first.stderr.trim()) as { error: { code: string; requestId: string } }).error;
}

describe("three node processes", () => {
  it("serve, create a database, write and share a ticket naming both transports", async () => {
    expect(node("a").ready.addresses.map((a) => a.transportType).sort()).toEqual(["http", "iroh"]);
    const created = await cliJson<{ id: string }>(dirs.a, ["create", "notes"]);
    dbId = created.id;
    await cliJson(dirs.a, ["put", "notes", "greeting", "hello"]);
    ticket = (await cliJson<{ ticket: string }>(dirs.a, ["share", "notes"])).ticket;
    expect(ticket).toMatch(new RegExp(`^eidetica:\\?db=${dbId}&pr=http:127\\.0\\.0\\.1:\\d+&pr=iroh:endpoint\\w+$`));
  }, 30_000);

  it("a join waits for approval; once approved it bootstraps over HTTP", async () => {
    const pending = await joinWithApproval(dirs.b, "http");
    expect(pending.code).toBe("BOOTSTRAP_PENDING");
    const listed = await cliJson<{ id: string; key: string }[]>(dirs.a, ["requests"]);
    expect(listed.map((r) => r.id)).toEqual([pending.requestId]);
    expect(listed[0]?.key).toBe(node("b").ready.id);
    expect((await cliJson<{ state: string }>(dirs.a, ["requests", "approve", pending.requestId])).state).toBe("approved");
    const joined = await cliJson<{ db: string; received: number; permission: { level: string } }>(dirs.b, ["join", "--via", "http", ticket]);
    expect(joined).toMatchObject({ db: dbId, received: 3, permission: { level: "Write" } });
    expect((await cliJson<{ value: string }>(dirs.b, ["get", "notes", "greeting"])).value).toBe("hello");
  }, 60_000);

  it("a rejected key is refused for good (here from a node that is not serving: the CLI joins by itself)", async () => {
    expect((await cli(["--data", dirs.d, "init", "--no-iroh"])).code).toBe(0);
    const first = await joinWithApproval(dirs.d, "http");
    expect((await cliJson<{ state: string }>(dirs.a, ["requests", "reject", first.requestId])).state).toBe("rejected");
    expect(await cliJson<unknown[]>(dirs.a, ["requests"])).toEqual([]);
    const again = await cli(["--data", dirs.d, "join", "--via", "http", ticket]);
    // The sharing node answers as if the database did not exist (as Eidetica v0 does).
    expect(again.code, again.stderr).toBe(EXIT.notFound);
    expect(again.stderr).toContain("Tree not found");
    expect(await cliJson<unknown[]>(dirs.a, ["requests"]), "it is not asked again").toEqual([]);
    expect((await cliJson<Status>(dirs.d, ["status"])).databases, "nothing of the database was kept").toEqual([]);
  }, 60_000);

  it("an approved join bootstraps over iroh", async () => {
    const pending = await joinWithApproval(dirs.c, "iroh");
    await cliJson(dirs.a, ["requests", "approve", pending.requestId]);
    const held = (await cliJson<DbStatus>(dirs.a, ["status", "notes"])).entries;
    const joined = await cliJson<{ db: string; received: number }>(dirs.c, ["join", "--via", "iroh", ticket]);
    expect(joined).toMatchObject({ db: dbId, received: held });
    expect((await cliJson<{ value: string }>(dirs.c, ["get", "notes", "greeting"])).value).toBe("hello");
  }, 60_000);

  it("writes on each node reach the others, and the nodes converge", async () => {
    const writes: [Name, string][] = [["a", "from-a"], ["b", "from-b"], ["c", "from-c"]];
    for (const [from, key] of writes) {
      await node(from).call("put", { db: "notes", key, value: `${key}-1` });
      for (const to of (["a", "b", "c"] as const).filter((n) => n !== from)) {
        await node(to).call("get", { db: "notes", key, wait: `${key}-1`, timeoutMs: 20_000 });
      }
    }
    const statuses = await Promise.all((["a", "b", "c"] as const).map((n) => cliJson<DbStatus>(dirs[n], ["status", "notes"])));
    const [first] = statuses;
    for (const status of statuses) expect(status).toMatchObject({ id: dbId, entries: first?.entries, tips: first?.tips, syncEnabled: true });
    expect(first?.entries, "the three writes are in every copy").toBeGreaterThanOrEqual(6);
  }, 60_000);

  it("status, peers, /health and /metrics show the node as an operator needs it", async () => {
    const status = await cliJson<Status & { serving: boolean }>(dirs.a, ["status"]);
    expect(status.serving).toBe(true);
    expect(status.databases.map((d) => d.name)).toEqual(["notes"]);
    const peers = await cliJson<Peer[]>(dirs.a, ["peers"]);
    const related = peers.filter((p) => p.databases.includes(dbId)).map((p) => p.key);
    expect(related.sort()).toEqual([node("b").ready.id, node("c").ready.id].sort());
    const health = (await (await fetch(`${node("a").runtime.admin}/health`)).json()) as { status: string; id: string };
    expect(health).toMatchObject({ status: "ok", id: node("a").ready.id });
    const metrics = await (await fetch(`${node("a").runtime.admin}/metrics`)).text();
    expect(metrics).toMatch(/^eidetica_sync_requests_total\{.*\} \d+/m);
    const entries = (await cliJson<DbStatus>(dirs.a, ["status", "notes"])).entries;
    expect(metrics).toMatch(new RegExp(`^eidetica_node_database_entries\\{database="${dbId}"\\} ${entries}$`, "m"));
    expect(metrics).toContain("# TYPE eidetica_sync_request_latency_ms histogram");
    const unauthorized = await fetch(`${node("a").runtime.admin}/admin/status`, { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
    expect(unauthorized.status).toBe(401);
  }, 30_000);

  it("a restart keeps peers, relationships and settings, and delivers the pushes left pending", async () => {
    const beforePeers = await cliJson<Peer[]>(dirs.a, ["peers"]);
    const idBefore = node("a").ready.id;
    const httpBefore = node("a").address("http");
    // b goes down; a writes while b cannot receive it.
    expect(await node("b").stop("SIGTERM")).toEqual({ code: 0, signal: null });
    delete nodes.b;
    await node("a").call("put", { db: "notes", key: "while-b-down", value: "kept" });
    // a restarts too, between operations (graceful stop: the pending push is kept).
    expect(await node("a").stop("SIGTERM")).toEqual({ code: 0, signal: null });
    delete nodes.a;
    const offline = await cliJson<Peer[]>(dirs.a, ["peers"]);
    expect(offline.map((p) => [p.key, p.databases])).toEqual(beforePeers.map((p) => [p.key, p.databases]));
    expect((await cliJson<DbStatus>(dirs.a, ["status", "notes"])).syncEnabled).toBe(true);
    [nodes.a, nodes.b] = await Promise.all([ServingNode.start(dirs.a), ServingNode.start(dirs.b)]);
    expect(node("a").ready.id, "the same keys after the restart").toBe(idBefore);
    expect(node("a").address("http"), "the same port, so peers' stored addresses stay valid").toBe(httpBefore);
    await node("b").call("get", { db: "notes", key: "while-b-down", wait: "kept", timeoutMs: 30_000 });
    await node("c").call("get", { db: "notes", key: "while-b-down", wait: "kept", timeoutMs: 30_000 });
    // and sync goes on both ways after the restart
    await node("b").call("put", { db: "notes", key: "after-restart", value: "yes" });
    await node("c").call("get", { db: "notes", key: "after-restart", wait: "yes", timeoutMs: 20_000 });
  }, 90_000);

  it("SIGTERM stops every node with exit code 0 and removes its node.json", async () => {
    for (const name of ["a", "b", "c"] as const) {
      expect(await node(name).stop("SIGTERM")).toEqual({ code: 0, signal: null });
      delete nodes[name];
    }
    const status = await cliJson<{ serving: boolean }>(dirs.a, ["status"]);
    expect(status.serving, "the CLI opens the store itself once no node runs").toBe(false);
  }, 60_000);
});
