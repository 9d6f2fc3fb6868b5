import { describe, expect, it } from "vitest";
import {
  AuthSettings,
  Doc,
  EntryBuilder,
  READ,
  SigningKey,
  admin,
  authKeyFromDoc,
  authKeyToDoc,
  comparePermissions,
  formatPermission,
  idFromDagCbor,
  permissionFromDoc,
  permissionFromWire,
  permissionToDoc,
  permissionToWire,
  permits,
  signEntry,
  utf8,
  validateEntryAuth,
  write,
  type AuthKey,
} from "../../src/index.js";
import { expectCode } from "@eidetica/test-kit";

const keyOf = (n: number) => SigningKey.fromSeed(new Uint8Array(32).fill(n));
const [alice, bob, carol] = [keyOf(1), keyOf(2), keyOf(3)];

function settingsWith(keys: Record<string, AuthKey>, global?: AuthKey): Doc {
  let doc = new Doc();
  for (const [pubkey, key] of Object.entries(keys)) doc = doc.set(`auth.keys.${pubkey}`, authKeyToDoc(key));
  if (global !== undefined) doc = doc.set("auth.global", authKeyToDoc(global));
  return doc;
}

describe("permissions", () => {
  it("order Read < every Write < every Admin, lower priority stronger", () => {
    const order = [READ, write(100), write(1), write(0), admin(9), admin(0)];
    for (let i = 0; i + 1 < order.length; i++) {
      expect(comparePermissions(order[i]!, order[i + 1]!)).toBeLessThan(0);
      expect(permits(order[i + 1]!, order[i]!)).toBe(true);
      expect(permits(order[i]!, order[i + 1]!)).toBe(false);
    }
    expect(formatPermission(admin(3))).toBe("Admin(3)");
  });

  it("round-trip their settings Doc and wire forms exactly as Rust writes them", () => {
    expect(permissionToDoc(write(5)).toPlain()).toEqual({ type: "Write", priority: 5 });
    expect(permissionToDoc(READ).toPlain()).toEqual({ type: "Read" });
    for (const p of [READ, write(7), admin(0)]) {
      expect(permissionFromDoc(permissionToDoc(p))).toEqual(p);
      expect(permissionFromWire(JSON.parse(JSON.stringify(permissionToWire(p))))).toEqual(p);
    }
    expect(JSON.stringify(permissionToWire(admin(0)))).toBe('{"Admin":0}');
    expect(JSON.stringify(permissionToWire(READ))).toBe('"Read"');
    for (const bad of [{ Admin: -1 }, { Owner: 0 }, { Admin: 1, Write: 2 }, "Write", null, { Write: 2 ** 32 }]) {
      expectCode(() => permissionFromWire(bad), "MALFORMED");
    }
    expectCode(() => permissionFromDoc(Doc.from({ type: "Admin" })), "MALFORMED");
    expectCode(() => permissionFromDoc(Doc.from({ type: "Root", priority: 0 })), "MALFORMED");
  });
});

describe("auth settings", () => {
  it("store a key as an atomic Doc with name, permissions and status", () => {
    const doc = authKeyToDoc({ name: "laptop", permission: write(3), status: "Active" });
    expect(doc.isAtomic).toBe(true);
    expect(doc.toPlain()).toEqual({ name: "laptop", permissions: { type: "Write", priority: 3 }, status: "Active" });
    expect(authKeyFromDoc(doc, "k")).toEqual({ name: "laptop", permission: write(3), status: "Active" });
    expectCode(() => authKeyFromDoc(Doc.from({ status: "Active" }), "k"), "MALFORMED");
    expectCode(() => authKeyFromDoc(doc.set("status", "Paused"), "k"), "MALFORMED");
  });

  it("resolve pubkey, name and global hints (spec 4.3)", () => {
    const auth = AuthSettings.fromSettings(
      settingsWith(
        {
          [alice.publicKey]: { name: "dev", permission: admin(0), status: "Active" },
          [bob.publicKey]: { name: "dev", permission: write(1), status: "Revoked" },
        },
        { permission: write(5), status: "Active" },
      ),
    );
    expect(auth.resolveHint({ pubkey: alice.publicKey })).toEqual([{ pubkey: alice.publicKey, permission: admin(0), status: "Active" }]);
    expect(auth.resolveHint({ name: "dev" }).map((c) => c.pubkey)).toEqual([alice.publicKey, bob.publicKey].sort());
    expect(auth.resolveHint({ pubkey: carol.publicKey, is_global: true })).toEqual([
      { pubkey: carol.publicKey, permission: write(5), status: "Active" },
    ]);
    expect(auth.resolveHint({ pubkey: carol.publicKey })).toEqual([]);
    expect(auth.resolveHint({})).toEqual([]);
    expect(auth.hasAuth).toBe(true);
    expect(auth.isPublic).toBe(true);
    // Strongest active candidate: direct Admin for alice; revoked bob falls back to global.
    expect(auth.permissionOf(alice.publicKey)).toEqual(admin(0));
    expect(auth.permissionOf(bob.publicKey)).toEqual(write(5));
  });

  it("skip (and count) unreadable grants; reject deleted or non-Doc auth", () => {
    const settings = settingsWith({ [alice.publicKey]: { permission: admin(0), status: "Active" } }).set(
      `auth.keys.${bob.publicKey}`,
      "not a grant",
    );
    const auth = AuthSettings.fromSettings(settings);
    expect(auth.invalidKeys).toBe(1);
    expect(auth.key(bob.publicKey)).toBeUndefined();
    expectCode(() => AuthSettings.fromSettings(Doc.from({ auth: "open" })), "MALFORMED");
    expectCode(() => AuthSettings.fromSettings(settings.delete("auth")), "MALFORMED");
    expect(AuthSettings.fromSettings(new Doc()).hasAuth).toBe(false);
  });
});

describe("validateEntryAuth (spec 4.4)", () => {
  const root = idFromDagCbor(utf8("db"));
  const data = new EntryBuilder(root).parents([root]).storeData("notes", utf8("{}")).build();
  const settingsChange = new EntryBuilder(root).parents([root]).storeData("_settings", utf8("{}")).build();
  const auth = AuthSettings.fromSettings(
    settingsWith({
      [alice.publicKey]: { permission: admin(0), status: "Active" },
      [bob.publicKey]: { name: "bob", permission: write(1), status: "Active" },
      [carol.publicKey]: { permission: READ, status: "Active" },
    }),
  );

  it("accepts Admin for settings and Write for data, by pubkey or name hint", () => {
    expect(validateEntryAuth(signEntry(settingsChange, alice), auth).signer).toBe(alice.publicKey);
    expect(validateEntryAuth(signEntry(data, bob), auth).permission).toEqual(write(1));
    const byName = signEntry(data, bob, { sigKey: { Direct: { hint: { name: "bob" } } } });
    expect(validateEntryAuth(byName, auth).signer).toBe(bob.publicKey);
  });

  it("refuses weak, unknown, revoked and delegated keys with UNAUTHORIZED", () => {
    expectCode(() => validateEntryAuth(signEntry(settingsChange, bob), auth), "UNAUTHORIZED");
    expectCode(() => validateEntryAuth(signEntry(data, carol), auth), "UNAUTHORIZED");
    expectCode(() => validateEntryAuth(signEntry(data, keyOf(9)), auth), "UNAUTHORIZED");
    const revoked = AuthSettings.fromSettings(settingsWith({ [bob.publicKey]: { permission: write(1), status: "Revoked" } }));
    expectCode(() => validateEntryAuth(signEntry(data, bob), revoked), "UNAUTHORIZED");
    const delegated = signEntry(data, alice, { sigKey: { Delegation: { path: [], hint: { pubkey: alice.publicKey } } } });
    expectCode(() => validateEntryAuth(delegated, auth), "UNAUTHORIZED");
    expectCode(() => validateEntryAuth(signEntry(data, alice), AuthSettings.EMPTY), "UNAUTHORIZED");
  });

  it("refuses unsigned entries where auth exists, and bad signatures, with BAD_SIGNATURE", () => {
    expectCode(() => validateEntryAuth(data, auth), "BAD_SIGNATURE");
    const signed = signEntry(data, bob);
    const forged = signed.withSigInfo({ sig: signEntry(settingsChange, bob).sig.sig!, key: signed.sig.key });
    expectCode(() => validateEntryAuth(forged, auth), "BAD_SIGNATURE");
    // A name hint whose keys all fail to verify: bad signature, not unauthorized.
    const wrongName = signEntry(data, carol, { sigKey: { Direct: { hint: { name: "bob" } } } });
    expectCode(() => validateEntryAuth(wrongName, auth), "BAD_SIGNATURE");
  });

  it("accepts unsigned entries only where there is no auth at all", () => {
    expect(validateEntryAuth(data, AuthSettings.EMPTY)).toEqual({ signer: undefined, permission: undefined });
  });
});
