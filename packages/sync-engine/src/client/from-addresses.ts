/**
 * A bootstrap from a ticket's addresses, tried in turn until one succeeds; a database already
 * held is synced instead (and opened with the caller's key).
 */
import type { EideticaError, ID } from "@eidetica/core";
import type { Address } from "@eidetica/protocol";
import { AllAddressesFailedError } from "../errors.js";
import type { ClientContext } from "./context.js";
import { bootstrapDatabase, syncDatabase, type BootstrapOptions, type BootstrapResult, type FlowHooks } from "./flows.js";

/** @internal */
export async function bootstrapFrom(
  context: ClientContext,
  hooks: FlowHooks,
  addresses: readonly Address[],
  db: ID,
  options: BootstrapOptions,
): Promise<BootstrapResult> {
  const { instance } = context;
  const failures: { address: Address; error: EideticaError }[] = [];
  for (const address of addresses) {
    try {
      if (!(await instance.listDatabases()).includes(db)) return await bootstrapDatabase(context, hooks, address, db, options);
      const signingKey = options.signingKey ?? options.requestingKey;
      const report = await syncDatabase(context, hooks, address, db, signingKey === undefined ? options : { ...options, signingKey });
      const key = options.requestingKey ?? options.signingKey;
      const opened = await instance.openDatabase(db, key === undefined ? {} : { signingKey: key });
      return { ...report, db: opened, keyApproved: false, grantedPermission: null };
    } catch (error) {
      // A pending request is an answer, not a failure to reach the database.
      if (addresses.length === 1 || (error as EideticaError).code === "BOOTSTRAP_PENDING") throw error;
      failures.push({ address, error: error as EideticaError });
    }
  }
  throw new AllAddressesFailedError(failures);
}
