/** Helpers shared by the mock's tests. */
import type { SyncRequest, SyncResponse } from "@eidetica/protocol";
import { StubHandler, conformanceFixtures, hangingRequest, type Responder } from "@eidetica/transport-conformance";
import { MockTransport, SimNetwork, type SimEvent, type SimNetworkOptions } from "@eidetica/transport-mock";

export { StubHandler, conformanceFixtures, hangingRequest };

/** A request that names itself: the echo stub answers `Count` with its number. */
export function numbered(n: number): SyncRequest {
  const { syncTree } = conformanceFixtures().syncTree;
  return { kind: "SyncTree", syncTree: { ...syncTree, requestingKeyName: `n-${n}`, auth: null } };
}

/** Answers a {@link numbered} request with `Count` n, anything else with `Ack`. */
export const echo: Responder = (request): SyncResponse =>
  request.kind === "SyncTree" && request.syncTree.requestingKeyName?.startsWith("n-") === true
    ? { kind: "Count", count: Number(request.syncTree.requestingKeyName.slice(2)) }
    : { kind: "Ack" };

/** The number a stub call was made with. */
export const numberOf = (request: SyncRequest | undefined): number =>
  request?.kind === "SyncTree" ? Number(request.syncTree.requestingKeyName?.slice(2)) : -1;

/** A network, its event trace, and transports made on it (`serve` ones run an echo stub). */
export function world(options: SimNetworkOptions = {}) {
  const events: SimEvent[] = [];
  const network = new SimNetwork({ ...options, trace: (event) => events.push(event) });
  const node = async (serve = true, respond: Responder = echo) => {
    const transport = new MockTransport(network, { onHandlerError: () => undefined });
    const stub = new StubHandler(respond);
    if (serve) await transport.startServer(stub.handler);
    return { transport, stub, address: transport.address };
  };
  return { network, events, node };
}

/** Tracks whether a promise has settled, without letting a rejection go unhandled. */
export function watch<T>(promise: Promise<T>) {
  const state: { settled: boolean; value?: T; error?: unknown } = { settled: false };
  promise.then(
    (value) => Object.assign(state, { settled: true, value }),
    (error: unknown) => Object.assign(state, { settled: true, error }),
  );
  return state;
}

/** The `failure` of a rejected promise's `TransportError` (checked by code). */
export async function failureOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "resolved";
  } catch (error) {
    const typed = error as { code?: string; failure?: string };
    return typed.code === "TRANSPORT" ? (typed.failure ?? "?") : `not a TransportError: ${String(error)}`;
  }
}
