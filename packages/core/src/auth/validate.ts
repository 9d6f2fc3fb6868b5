/**
 * Checking an entry's signature and its writer's permission against auth settings
 * (spec 4.4). The database layer calls this with the settings the entry pins.
 */
import { defaultEd25519, type Ed25519Provider } from "../crypto/ed25519.js";
import { parsePublicKey } from "../crypto/keys.js";
import type { Entry } from "../entry/entry.js";
import { SETTINGS_STORE, sigInfoMalformedReason, type PublicKeyText } from "../entry/types.js";
import { BadSignatureError, UnauthorizedError } from "../errors/errors.js";
import { fromBase64 } from "../util/base64.js";
import { canAdmin, canWrite, formatPermission, type Permission } from "./permission.js";
import type { AuthSettings } from "./settings.js";

/** Who signed an accepted entry and with which permission; `undefined` signer for unsigned. */
export interface EntryAuthResult {
  readonly signer: PublicKeyText | undefined;
  readonly permission: Permission | undefined;
}

/**
 * Checks that `entry` may be written under `auth` (spec 4.4):
 * - a malformed signature block, or a signature that does not verify, is `BAD_SIGNATURE`;
 * - an unsigned entry is accepted only where the settings have no auth at all;
 * - otherwise an active key the hint resolves to must have signed it, with Write (data) or
 *   Admin (an entry that touches `_settings`); anything else is `UNAUTHORIZED`.
 * Delegated keys are not supported yet and are `UNAUTHORIZED`.
 *
 * @throws {BadSignatureError}
 * @throws {UnauthorizedError}
 */
export function validateEntryAuth(
  entry: Entry,
  auth: AuthSettings,
  provider: Ed25519Provider = defaultEd25519(),
): EntryAuthResult {
  const malformed = sigInfoMalformedReason(entry.sig);
  if (malformed !== undefined) throw new BadSignatureError(malformed);
  if (entry.sig.sig === undefined) {
    if (auth.hasAuth) throw new BadSignatureError("entry is unsigned but the database requires signatures");
    return { signer: undefined, permission: undefined };
  }
  if (!auth.hasAuth) throw new UnauthorizedError("entry is signed but the database grants no keys");
  if ("Delegation" in entry.sig.key) throw new UnauthorizedError("delegated keys are not supported");

  let signature: Uint8Array;
  try {
    signature = fromBase64(entry.sig.sig, "sig.sig");
  } catch (error) {
    throw new BadSignatureError("signature is not valid base64", { cause: error });
  }
  if (signature.length !== 64) throw new BadSignatureError(`a signature has 64 bytes, not ${signature.length}`);

  const writesSettings = entry.hasStore(SETTINGS_STORE);
  const candidates = auth.resolveHint(entry.sig.key.Direct.hint).filter((c) => c.status === "Active");
  if (candidates.length === 0) throw new UnauthorizedError("the signing key has no active grant in this database");

  const message = entry.signingBytes();
  let verifiedWith: Permission | undefined;
  for (const candidate of candidates) {
    let keyBytes: Uint8Array;
    try {
      keyBytes = parsePublicKey(candidate.pubkey);
    } catch {
      continue; // a grant under a malformed key name can never verify
    }
    if (!provider.verify(keyBytes, message, signature)) continue;
    const allowed = writesSettings ? canAdmin(candidate.permission) : canWrite(candidate.permission);
    if (allowed) return { signer: candidate.pubkey, permission: candidate.permission };
    verifiedWith = candidate.permission;
  }
  if (verifiedWith !== undefined) {
    const needed = writesSettings ? "Admin to change settings" : "Write to change data";
    throw new UnauthorizedError(`the signing key holds ${formatPermission(verifiedWith)}; ${needed}`);
  }
  throw new BadSignatureError("signature does not verify with any key the hint names");
}
