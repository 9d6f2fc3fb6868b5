/** {@link runTransportConformance}: registers the whole suite in the calling vitest file. */
import { InvalidStateError, LIMITS } from "@eidetica/core";
import { afterEach, beforeEach, describe } from "vitest";
import { cancelCases } from "./cases-cancel.js";
import { failureCases } from "./cases-failures.js";
import { lifecycleCases } from "./cases-lifecycle.js";
import { requestCases } from "./cases-requests.js";
import { Harness } from "./harness.js";
import type { TransportConformanceOptions } from "./types.js";

/**
 * Registers the `SyncTransport` conformance suite in the current vitest file: server
 * lifecycle, round trips of every message kind in both directions, 100 concurrent requests,
 * payloads up to just under 4 MiB (or the transport's `maxMessageBytes`), over-limit messages, failing handlers, unreachable and
 * stopped peers, aborts, timeouts, and leaks after stop. `setup` runs before every test and
 * its `teardown` after it, once every transport of the test has stopped.
 *
 * @example
 * ```ts
 * import { runTransportConformance } from "@eidetica/transport-conformance";
 *
 * runTransportConformance({
 *   name: "HttpTransport",
 *   setup: () => ({ makeTransport: () => new HttpTransport({ bind: "127.0.0.1:0" }) }),
 * });
 * ```
 */
export function runTransportConformance(options: TransportConformanceOptions): void {
  describe(`SyncTransport conformance: ${options.name}`, () => {
    let harness: Harness | undefined;
    beforeEach(async () => {
      harness = await Harness.open(options);
    });
    afterEach(async () => {
      const current = harness;
      harness = undefined;
      await current?.close();
    });
    const h = (): Harness => {
      if (harness === undefined) throw new InvalidStateError("the conformance harness exists only inside a test");
      return harness;
    };
    describe("server lifecycle", () => lifecycleCases(h));
    const limit = Math.min(options.maxMessageBytes ?? LIMITS.messageBytes, LIMITS.messageBytes);
    describe("requests", () => requestCases(h, limit));
    describe("failures", () => failureCases(h, limit));
    describe("cancellation and cleanup", () => cancelCases(h, options));
  });
}
