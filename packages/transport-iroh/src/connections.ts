/**
 * {@link IrohConnections}: the client side's kept connections, one per peer ticket, each made
 * within the connect timeout (a peer that is gone shows only as a connect that never
 * completes) and dropped once it breaks.
 */
import { utf8 } from "@eidetica/core";
import { TransportError } from "@eidetica/protocol";
import type { Connection, Endpoint } from "@number0/iroh";
import { toWire, type Iroh } from "./binding.js";

/** The ALPN of Eidetica v0 sync. */
export const ALPN = "eidetica/v0";

/** @internal */
export class IrohConnections {
  readonly #kept = new Map<string, Promise<Connection>>();
  readonly #endpoint: () => Promise<{ readonly endpoint: Endpoint; readonly iroh: Iroh }>;
  readonly #timeoutMs: number;

  constructor(endpoint: () => Promise<{ readonly endpoint: Endpoint; readonly iroh: Iroh }>, timeoutMs: number) {
    this.#endpoint = endpoint;
    this.#timeoutMs = timeoutMs;
  }

  /** A kept connection to the endpoint of `ticket`, or a new one within the connect timeout. */
  async get(ticket: string): Promise<Connection> {
    const kept = this.#kept.get(ticket);
    if (kept !== undefined) {
      const connection = await kept.catch(() => undefined);
      if (connection !== undefined && connection.closeReason() === null) return connection;
      this.#kept.delete(ticket);
    }
    const connecting = this.#connect(ticket);
    this.#kept.set(ticket, connecting);
    connecting.catch(() => this.#kept.delete(ticket));
    return connecting;
  }

  /** Drops `connection` (it broke), so the next request makes a new one. */
  forget(ticket: string, connection: Connection): void {
    void this.#kept.get(ticket)?.then(
      (kept) => {
        if (kept === connection) this.#kept.delete(ticket);
      },
      () => undefined,
    );
  }

  /** Forgets every connection (their endpoint is closing). */
  clear(): void {
    this.#kept.clear();
  }

  async #connect(ticket: string): Promise<Connection> {
    const { endpoint, iroh } = await this.#endpoint();
    let target;
    try {
      target = iroh.EndpointTicket.fromString(ticket).endpointAddr();
    } catch (error) {
      throw new TransportError(`not an iroh endpoint ticket: ${ticket.slice(0, 40)}`, "unreachable", { cause: error });
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const attempt = endpoint.connect(target, toWire(utf8(ALPN)));
    try {
      return await Promise.race([
        attempt,
        new Promise<never>((_resolve, reject) => (timer = setTimeout(() => reject(new TransportError(`no iroh connection within ${this.#timeoutMs} ms`, "unreachable")), this.#timeoutMs))),
      ]);
    } catch (error) {
      // A connection that completes after all is closed at once.
      attempt.then((late) => late.close(0n, []), () => undefined);
      if (error instanceof TransportError) throw error;
      throw new TransportError(`cannot connect to the iroh peer: ${describe(error)}`, "unreachable", { cause: error });
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
  }
}

/** The first line of an error's message (the binding appends a Rust backtrace). */
export function describe(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
}
