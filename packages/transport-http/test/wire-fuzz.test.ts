/**
 * Wire fuzz against a live server (reliability 2.1, 2.3): 10,000 seeded mutations of valid
 * requests per run, structure-aware and byte-level, with harmless re-spellings, wrong content
 * types, bodies over 4 MiB, and lying `Content-Length` headers over raw sockets, sent to a real
 * `Sync` handler on fastify, half of them signed by a peer that has handshaken (so mutated
 * pushes reach verification). Over the run: no crash and no unhandled rejection, the served
 * database's entries unchanged, every reply a typed answer (a `SyncResponse`, or an `Error`
 * with a known code and a 4xx status), and a valid request right after each one succeeds.
 * Replay a failing run with `EIDETICA_SEED=<seed>`; `FUZZ_CASES` sets how many.
 */
import { Instance, LIMITS, SigningKey, seededRandom, systemClock, utf8, write, type Database } from "@eidetica/core";
import { decodeResponse, encodeRequest, parseWireError, type SyncRequest } from "@eidetica/protocol";
import { Sync, silentLogger } from "@eidetica/sync-engine";
import { chance, mutateBytes, mutateStructure, pick, respell, testSeed } from "@eidetica/test-kit";
import { HttpTransport, signRequest } from "@eidetica/transport-http";
import { request } from "undici";
import { afterAll, describe, expect, it } from "vitest";
import { rawSocket, until } from "./support/http.js";

const CASES = Number(process.env["FUZZ_CASES"] ?? 10_000);
const seed = testSeed();

/** What the served database holds: its tips, its entries (counted and by ID), and the databases listed. */
async function digest(instance: Instance, db: Database): Promise<string> {
  const tips = await instance.backend.treeTips(db.id);
  const ids = (await instance.backend.ancestors(db.id, tips)).map((e) => e.id);
  return JSON.stringify({ tips, count: await instance.backend.countEntries(db.id), ids, databases: (await instance.listDatabases()).sort() });
}

/** A reply that is a typed answer: a SyncResponse, an Error with a known code, 4xx unless 200. */
function typedProblem(status: number, text: string): string | undefined {
  let answer;
  try {
    answer = decodeResponse(text);
  } catch {
    return `HTTP ${status} with a body that is not a SyncResponse: ${text.slice(0, 120)}`;
  }
  if (answer.kind === "Error" && parseWireError(answer.message).code === undefined) return `an Error without a known code: ${answer.message.slice(0, 120)}`;
  if (status === 200) return undefined;
  if (status < 400 || status >= 500) return `HTTP ${status}`;
  return answer.kind === "Error" ? undefined : `HTTP ${status} with a ${answer.kind}`;
}

describe("wire fuzz against a live HTTP server", () => {
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  process.on("unhandledRejection", onRejection);
  afterAll(() => {
    process.off("unhandledRejection", onRejection);
  });

  it(`${CASES.toLocaleString("en-US")} mutated requests: typed answers, nothing stored, a valid request after each succeeds`, async () => {
    const instance = await Instance.create({ random: seededRandom(1) });
    const transport = new HttpTransport({ bind: "127.0.0.1:0", signingKey: instance.deviceKey });
    // No penalty delays: the fuzzer is one sender and would otherwise be slowed, then banned.
    const sync = await Sync.create(instance, { transports: [transport], logger: silentLogger, penalties: { steps: [[Number.POSITIVE_INFINITY, 0]], banAfter: Number.MAX_SAFE_INTEGER } });
    await sync.startServers();
    const address = sync.serverAddresses()[0];
    if (address === undefined) throw new Error("not serving");
    const hostPort = address.address;
    const db = await instance.createDatabase({ name: "fuzzed" });
    await db.withTransaction(async (txn) => (await txn.settings()).setAuthKey(instance.id, { permission: write(1), status: "Active" }));
    for (let i = 0; i < 5; i++) await db.withTransaction(async (txn) => (await txn.docStore("notes")).set(`k${i}`, i));
    await sync.enableSync(db.id);
    const tips = await db.tips();
    const entries = await instance.backend.ancestors(db.id, tips);
    const corpus: SyncRequest[] = [
      { kind: "Handshake", handshake: { deviceId: instance.id, publicKey: instance.id, displayName: "fuzz", protocolVersion: 0, challenge: new Uint8Array(32).fill(7), listenAddresses: [address] } },
      { kind: "SyncTree", syncTree: { treeId: db.id, ourTips: [], peerPubkey: null, requestingKey: null, requestingKeyName: null, requestedPermission: null, metadata: null, auth: null } },
      { kind: "SyncTree", syncTree: { treeId: db.id, ourTips: tips, peerPubkey: instance.id, requestingKey: null, requestingKeyName: null, requestedPermission: null, metadata: null, auth: null } },
      { kind: "SendEntries", entries: entries.slice(0, 3) },
    ];
    const texts = corpus.map((r) => encodeRequest(r));
    const valid = corpus[0] as SyncRequest;
    const before = await digest(instance, db);
    const client = new HttpTransport();
    // Half the cases are signed by a key that has handshaken, so mutated pushes get past
    // "who are you" and into verification (and must still store nothing).
    const fuzzer = SigningKey.fromSeed(new Uint8Array(32).fill(5));
    const signer = new HttpTransport({ signingKey: fuzzer });
    const hello = { ...valid, handshake: { ...(valid as Extract<SyncRequest, { kind: "Handshake" }>).handshake, deviceId: fuzzer.publicKey, publicKey: fuzzer.publicKey } } as SyncRequest;
    expect((await signer.sendRequest(address, hello)).kind).toBe("Handshake");
    await signer.stopServer();
    const rng = seededRandom(seed);
    const problems: string[] = [];
    const counts = { structure: 0, bytes: 0, respelled: 0, contentType: 0, oversize: 0, lying: 0, refused: 0, signed: 0, verified: 0 };

    for (let i = 0; i < CASES && problems.length < 5; i++) {
      const base = pick(rng, texts);
      const roll = rng.nextU32() % 1_000;
      const where = `case ${i} (EIDETICA_SEED=${seed})`;
      if (roll < 8) {
        // A lying Content-Length: shorter than the body (the rest is read as a next request) or longer (the body never ends).
        counts.lying++;
        const raw = await rawSocket(hostPort);
        const shorter = chance(rng, 2);
        const declared = shorter ? Math.floor(Buffer.byteLength(base) / 2) : Buffer.byteLength(base) + 1 + (rng.nextU32() % 1_000);
        raw.socket.write(`POST /api/v0 HTTP/1.1\r\nHost: ${hostPort}\r\nContent-Type: application/json\r\nContent-Length: ${declared}\r\n\r\n${base}`);
        if (shorter) {
          await until(() => raw.socket.destroyed || raw.received().includes('"}'), 5_000, `${where}: a reply to a short Content-Length`);
          const statuses = [...raw.received().matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
          if (statuses.length === 0 || statuses.some((s) => s < 400 || s >= 500)) problems.push(`${where}: lying Content-Length answered ${statuses.join(",") || "nothing"}`);
        } else await new Promise((resolve) => setTimeout(resolve, 5));
        raw.socket.destroy();
      } else {
        let body: string | Uint8Array;
        let contentType = "application/json";
        if (roll < 12) {
          counts.oversize++;
          body = base + " ".repeat(LIMITS.messageBytes + 1 - Buffer.byteLength(base) + (rng.nextU32() % 1_000));
        } else if (roll < 30) {
          counts.contentType++;
          body = base;
          contentType = pick(rng, ["text/plain", "application/x-www-form-urlencoded", "application/octet-stream", "multipart/form-data; boundary=x"]);
        } else if (roll < 80) {
          counts.respelled++;
          body = respell(rng, base);
        } else if (roll < 540) {
          counts.structure++;
          body = mutateStructure(rng, JSON.parse(base), [db.id, instance.id, ...tips]);
        } else {
          counts.bytes++;
          body = mutateBytes(rng, base);
        }
        const headers: Record<string, string> = { "content-type": contentType };
        if (chance(rng, 2)) {
          counts.signed++;
          Object.assign(headers, signRequest(fuzzer, hostPort, typeof body === "string" ? utf8(body) : body, systemClock, rng));
        }
        try {
          const reply = await request(`http://${hostPort}/api/v0`, { method: "POST", body, headers });
          const text = await reply.body.text();
          if (reply.statusCode !== 200) counts.refused++;
          // A push that reached verification and failed it: the handler's `rejected`.
          if (reply.statusCode === 200 && text.startsWith('{"Error":"rejected: ')) counts.verified++;
          const problem = typedProblem(reply.statusCode, text);
          if (problem !== undefined) problems.push(`${where}: ${problem}`);
        } catch (error) {
          // The server may close a connection on a request it cannot parse; that is an answer too, not a crash.
          if ((error as { code?: string }).code !== "UND_ERR_SOCKET") problems.push(`${where}: the request failed with ${String(error)}`);
        }
      }
      const after = await client.sendRequest(address, valid).catch((error: unknown) => error);
      if ((after as { kind?: string }).kind !== "Handshake") problems.push(`${where}: the valid request after it got ${String((after as { message?: string }).message ?? JSON.stringify(after))}`);
    }

    expect(problems, problems.join("\n")).toEqual([]);
    expect(rejections, "unhandled rejections").toEqual([]);
    expect(await digest(instance, db), "the served database is unchanged").toBe(before);
    expect(transport.isServerRunning()).toBe(true);
    // Non-vacuous: every kind of case ran, and most mutations were refused.
    if (CASES >= 1_000) for (const [kind, n] of Object.entries(counts)) expect(n, kind).toBeGreaterThan(0);
    expect(counts.refused).toBeGreaterThan(CASES / 4);
    await client.stopServer();
    await sync.close();
  }, 600_000);
});
