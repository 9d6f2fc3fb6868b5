/**
 * Bad input at the command line, as a user meets it (real processes): a clear message, a
 * documented non-zero exit code, and never a stack trace.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../src/errors.js";
import { cli, tempRoot, type CliRun } from "./support/nodes.js";

const temp = tempRoot("eidetica-cli-errors-");
const data = temp.dir("node");
beforeAll(async () => {
  expect((await cli(["--data", data, "init", "--no-iroh"])).code).toBe(0);
}, 60_000);
afterAll(() => temp.cleanup());

const noStack = (run: CliRun) => {
  expect(run.stderr, "no stack trace").not.toMatch(/^\s+at /m);
  expect(run.stderr).not.toMatch(/node:internal|\.ts:\d+|\.js:\d+/);
};

describe("the CLI on bad input", () => {
  it("an unknown command: usage exit code 2, pointing at --help", async () => {
    const run = await cli(["frobnicate"]);
    expect(run.code).toBe(EXIT.usage);
    expect(run.stderr).toContain("unknown command 'frobnicate'");
    expect(run.stderr).toContain("eidetica --help");
    noStack(run);
  });

  it("a missing argument or an unknown option: exit 2", async () => {
    const missing = await cli(["--data", data, "put", "notes"]);
    expect(missing.code).toBe(EXIT.usage);
    expect(missing.stderr).toContain("missing required argument");
    const option = await cli(["--data", data, "status", "--colour"]);
    expect(option.code).toBe(EXIT.usage);
    expect(option.stderr).toContain("unknown option '--colour'");
    const timeout = await cli(["--data", data, "get", "notes", "k", "--timeout", "soon"]);
    expect(timeout.code).toBe(EXIT.usage);
    expect(timeout.stderr).toContain("--timeout must be a positive number");
    noStack(timeout);
  });

  it("a bad ticket: exit 2 with what is wrong with it", async () => {
    const run = await cli(["--data", data, "join", "not-a-ticket"]);
    expect(run.code).toBe(EXIT.usage);
    expect(run.stderr).toMatch(/ticket: a ticket starts with eidetica:/);
    noStack(run);
    const noDb = await cli(["--data", data, "join", "eidetica:?pr=http:127.0.0.1:1"]);
    expect(noDb.code).toBe(EXIT.usage);
    expect(noDb.stderr).toContain("needs a db parameter");
  });

  it("a data directory that is a file, or holds no node: exit 3", async () => {
    const file = temp.dir("a-file");
    writeFileSync(file, "not a directory");
    const notDir = await cli(["--data", file, "status"]);
    expect(notDir.code).toBe(EXIT.config);
    expect(notDir.stderr).toContain("is not a directory");
    noStack(notDir);
    const cannotCreate = await cli(["--data", join(file, "below"), "init"]);
    expect(cannotCreate.code).toBe(EXIT.config);
    expect(cannotCreate.stderr).toContain("cannot create data directory");
    const empty = await cli(["--data", temp.dir("empty"), "status"]);
    expect(empty.code).toBe(EXIT.config);
    expect(empty.stderr).toContain("run `eidetica init --data");
  });

  it("bad configuration from the environment or the config file: exit 3 naming the source", async () => {
    const env = await cli(["--data", data, "status"], { env: { EIDETICA_HTTP_BIND: "everywhere" } });
    expect(env.code).toBe(EXIT.config);
    expect(env.stderr).toContain('environment: http.bind: expected host:port such as 127.0.0.1:8080, got "everywhere"');
    const badJson = temp.dir("bad.json");
    writeFileSync(badJson, "{ nope");
    const file = await cli(["--data", data, "--config", badJson, "status"]);
    expect(file.code).toBe(EXIT.config);
    expect(file.stderr).toContain("is not valid JSON");
    const unknown = temp.dir("unknown.json");
    writeFileSync(unknown, JSON.stringify({ colour: "blue" }));
    const key = await cli(["--data", data, "--config", unknown, "status"]);
    expect(key.code).toBe(EXIT.config);
    expect(key.stderr).toContain('unknown setting "colour"');
    const missing = await cli(["--data", data, "--config", temp.dir("none.json"), "status"]);
    expect(missing.code).toBe(EXIT.config);
    expect(missing.stderr).toContain("does not exist");
    const choice = await cli(["--data", data, "serve", "--approval", "sometimes"]);
    expect(choice.code).toBe(EXIT.usage);
    expect(choice.stderr).toContain("Allowed choices are manual, auto");
  });

  it("something named that does not exist: exit 4", async () => {
    const db = await cli(["--data", data, "get", "nowhere", "k"]);
    expect(db.code).toBe(EXIT.notFound);
    expect(db.stderr).toContain('no database "nowhere"');
    expect((await cli(["--data", data, "create", "notes"])).code).toBe(0);
    const key = await cli(["--data", data, "get", "notes", "k"]);
    expect(key.code).toBe(EXIT.notFound);
    const request = await cli(["--data", data, "requests", "approve", "no-such-request"]);
    expect(request.code).toBe(EXIT.notFound);
    expect(request.stderr).toContain('no bootstrap request "no-such-request"');
  });

  it("--json failures are one JSON object on stderr; --help exits 0", async () => {
    const run = await cli(["--data", data, "--json", "get", "nowhere", "k"]);
    expect(run.code).toBe(EXIT.notFound);
    expect(JSON.parse(run.stderr.trim())).toEqual({ error: { code: "NOT_FOUND", message: expect.stringContaining("nowhere") } });
    const help = await cli(["--help"]);
    expect(help.code).toBe(EXIT.ok);
    for (const command of ["init", "serve", "create", "put", "get", "share", "join", "status", "peers", "requests"]) expect(help.stdout).toContain(command);
    expect(help.stdout).toContain("Exit codes:");
    const sub = await cli(["requests", "approve", "--help"]);
    expect(sub.code).toBe(EXIT.ok);
    expect(sub.stdout).toContain("grant a pending request");
  });

  it("share without a running node: exit 3, saying to start serve", async () => {
    const run = await cli(["--data", data, "share", "notes"]);
    expect(run.code).toBe(EXIT.config);
    expect(run.stderr).toContain("start `eidetica serve` first");
  });
});
