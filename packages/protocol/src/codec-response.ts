/**
 * The response codec: {@link encodeResponse} writes the exact serde JSON of a Rust
 * `SyncResponse`; {@link decodeResponse} validates it as strictly as a request.
 */
import { encodeWireEntry, expectArray, parseJsonLimited, permissionToWire, LIMITS } from "@eidetica/core";
import { entriesText } from "./entry-text.js";
import {
  IDENTITY_FIELDS,
  boolAt,
  entriesAt,
  entryAt,
  fixedBytesAt,
  idAt,
  identityAt,
  identityToWire,
  objectAt,
  optionalTextAt,
  permissionAt,
  textAt,
  tipsAt,
  uintAt,
} from "./codec-fields.js";
import { variant } from "./codec-request.js";
import { SchemaError } from "./errors.js";
import { RESPONSE_KINDS, type SyncResponse, type TreeInfo } from "./messages.js";
import { child, schema } from "./pointer.js";

/** The exact serde JSON text of a response. */
export function encodeResponse(response: SyncResponse): string {
  // Entry lists are written by core's direct entry writer: the same bytes as JSON.stringify of
  // the whole, several times faster.
  switch (response.kind) {
    case "Bootstrap": {
      const b = response.bootstrap;
      return `{"Bootstrap":{"tree_id":${JSON.stringify(b.treeId)},"root_entry":${encodeWireEntry(b.rootEntry)},"all_entries":${entriesText(b.allEntries)},"key_approved":${b.keyApproved},"granted_permission":${JSON.stringify(b.grantedPermission === null ? null : permissionToWire(b.grantedPermission))}}}`;
    }
    case "Incremental": {
      const i = response.incremental;
      return `{"Incremental":{"tree_id":${JSON.stringify(i.treeId)},"their_tips":${JSON.stringify(i.theirTips)},"missing_entries":${entriesText(i.missingEntries)}}}`;
    }
    default:
      return JSON.stringify(responseToWire(response));
  }
}

function responseToWire(response: Exclude<SyncResponse, { kind: "Bootstrap" | "Incremental" }>): unknown {
  switch (response.kind) {
    case "Handshake": {
      const h = response.handshake;
      return {
        Handshake: {
          ...identityToWire(h),
          challenge_response: Array.from(h.challengeResponse),
          new_challenge: Array.from(h.newChallenge),
          available_trees: h.availableTrees.map((t) => ({
            tree_id: t.treeId,
            name: t.name,
            entry_count: t.entryCount,
            last_modified: t.lastModified,
          })),
        },
      };
    }
    case "BootstrapPending":
      return { BootstrapPending: { request_id: response.requestId, message: response.message } };
    case "Ack":
      return "Ack";
    case "Count":
      return { Count: response.count };
    case "Error":
      return { Error: response.message };
  }
}

/**
 * Decodes a response from JSON text or its UTF-8 bytes.
 * @throws {EideticaError} `MALFORMED`, `LIMIT_EXCEEDED`, `SCHEMA` or `UNKNOWN_MESSAGE`.
 */
export function decodeResponse(input: string | Uint8Array): SyncResponse {
  return decodeResponseValue(parseJsonLimited(input));
}

/** Decodes an already-parsed response value. */
export function decodeResponseValue(value: unknown): SyncResponse {
  const [kind, body] = variant(value, RESPONSE_KINDS, "response");
  const p = `/${kind}`;
  switch (kind) {
    case "Handshake": {
      const fields = [...IDENTITY_FIELDS, "challenge_response", "new_challenge", "available_trees"];
      const o = objectAt(body, p, fields, fields.filter((f) => f !== "display_name"));
      return {
        kind,
        handshake: {
          ...identityAt(o, p),
          challengeResponse: fixedBytesAt(o.challenge_response, child(p, "challenge_response"), 64),
          newChallenge: fixedBytesAt(o.new_challenge, child(p, "new_challenge"), 32),
          availableTrees: treesAt(o.available_trees, child(p, "available_trees")),
        },
      };
    }
    case "Bootstrap": {
      const fields = ["tree_id", "root_entry", "all_entries", "key_approved", "granted_permission"];
      const o = objectAt(body, p, fields, fields.filter((f) => f !== "granted_permission"));
      return {
        kind,
        bootstrap: {
          treeId: idAt(o.tree_id, child(p, "tree_id")),
          rootEntry: entryAt(o.root_entry, child(p, "root_entry")),
          allEntries: entriesAt(o.all_entries, child(p, "all_entries")),
          keyApproved: boolAt(o.key_approved, child(p, "key_approved")),
          grantedPermission: permissionAt(o.granted_permission, child(p, "granted_permission")),
        },
      };
    }
    case "Incremental": {
      const o = objectAt(body, p, ["tree_id", "their_tips", "missing_entries"]);
      return {
        kind,
        incremental: {
          treeId: idAt(o.tree_id, child(p, "tree_id")),
          theirTips: tipsAt(o.their_tips, child(p, "their_tips")),
          missingEntries: entriesAt(o.missing_entries, child(p, "missing_entries")),
        },
      };
    }
    case "BootstrapPending": {
      const o = objectAt(body, p, ["request_id", "message"]);
      return { kind, requestId: textAt(o.request_id, child(p, "request_id")), message: textAt(o.message, child(p, "message")) };
    }
    case "Ack":
      // A unit variant: a bare "Ack", or {"Ack": null} as serde_json also accepts; nothing else.
      if (body !== undefined && body !== null) throw new SchemaError("Ack has no body", p);
      return { kind };
    case "Count":
      return { kind, count: uintAt(body, p) };
    case "Error":
      return { kind, message: textAt(body, p) };
  }
}

function treesAt(value: unknown, p: string): TreeInfo[] {
  return schema(p, () => expectArray(value, p, LIMITS.entriesPerMessage, "trees")).map((item, i) => {
    const at = child(p, i);
    const fields = ["tree_id", "name", "entry_count", "last_modified"];
    const o = objectAt(item, at, fields, fields.filter((f) => f !== "name"));
    return {
      treeId: idAt(o.tree_id, child(at, "tree_id")),
      name: optionalTextAt(o.name, child(at, "name")),
      entryCount: uintAt(o.entry_count, child(at, "entry_count")),
      lastModified: uintAt(o.last_modified, child(at, "last_modified")),
    };
  });
}
