/**
 * Ports that stay the same across restarts. A bind address asking for any port (`host:0`) gets
 * the port the previous run used, if it is free again, else a new free one, and the choice is
 * kept in `<data>/ports.json`; so the addresses peers stored (and tickets given out) stay valid.
 */
import { createSocket } from "node:dgram";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { writeOwnerFile } from "./owner-file.js";

/** The remembered choices: the HTTP bind and the iroh binds. */
export interface RememberedPorts {
  readonly http?: string;
  readonly iroh?: readonly string[];
}

const file = (dataDir: string) => join(dataDir, "ports.json");

/** `host:port` split, brackets removed from an IPv6 host. */
export function splitHostPort(bind: string): { host: string; port: number } {
  const at = bind.lastIndexOf(":");
  return { host: bind.slice(0, at).replace(/^\[|\]$/g, ""), port: Number(bind.slice(at + 1)) };
}

const join2 = (host: string, port: number) => `${host.includes(":") ? `[${host}]` : host}:${port}`;

/** Binds `host:port` (TCP or UDP) and reports the port it got, or undefined if it is taken. */
function probe(kind: "tcp" | "udp", host: string, port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    if (kind === "tcp") {
      const server = createServer();
      server.once("error", () => resolve(undefined));
      server.listen({ host, port, exclusive: true }, () => {
        const got = (server.address() as { port: number }).port;
        server.close(() => resolve(got));
      });
    } else {
      const socket = createSocket(host.includes(":") ? "udp6" : "udp4");
      socket.once("error", () => {
        socket.close();
        resolve(undefined);
      });
      socket.bind({ address: host, port, exclusive: true }, () => {
        const got = socket.address().port;
        socket.close(() => resolve(got));
      });
    }
  });
}

/** The bind to use for a configured one: remembered if it fits and is free, else a fresh port. */
async function sticky(kind: "tcp" | "udp", configured: string, remembered: string | undefined): Promise<string> {
  const { host, port } = splitHostPort(configured);
  if (port !== 0) return configured;
  if (remembered !== undefined) {
    const previous = splitHostPort(remembered);
    if (previous.host === host && (await probe(kind, host, previous.port)) !== undefined) return remembered;
  }
  const fresh = await probe(kind, host, 0);
  return fresh === undefined ? configured : join2(host, fresh);
}

function read(dataDir: string): RememberedPorts {
  try {
    const value = JSON.parse(readFileSync(file(dataDir), "utf8")) as RememberedPorts;
    return typeof value === "object" && value !== null ? value : {};
  } catch {
    return {}; // first run, or an unreadable file: choose afresh
  }
}

/**
 * Chooses this run's binds for the transports given (an absent one is not probed): each
 * configured `host:0` becomes the port remembered from the last run if it is free, else a free
 * one. {@link rememberBinds} keeps the choice once the servers run.
 */
export async function stickyBinds(dataDir: string, configured: RememberedPorts): Promise<RememberedPorts> {
  const remembered = read(dataDir);
  const { http, iroh } = configured;
  return {
    ...(http === undefined ? {} : { http: await sticky("tcp", http, remembered.http) }),
    ...(iroh === undefined ? {} : { iroh: await Promise.all(iroh.map((bind, i) => sticky("udp", bind, remembered.iroh?.[i]))) }),
  };
}

/** Keeps the binds a run used. */
export function rememberBinds(dataDir: string, binds: RememberedPorts): void {
  writeOwnerFile(file(dataDir), JSON.stringify(binds));
}
