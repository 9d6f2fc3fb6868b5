/**
 * @eidetica/core: Eidetica's entry model, content IDs, canonical DAG-CBOR encoding, Ed25519
 * signatures, the CRDT `Doc`, and DAG algorithms.
 *
 * @example
 * ```ts
 * import { EntryBuilder, SigningKey, signEntry, encodeWireEntry, parseWireEntry } from "@eidetica/core";
 *
 * const key = SigningKey.generate();
 * const root = signEntry(EntryBuilder.root().build(), key);
 * const received = parseWireEntry(encodeWireEntry(root));
 * received.id === root.id; // true: the ID is recomputed, never trusted
 * ```
 * @packageDocumentation
 */

export {
  BadSignatureError,
  CrdtTypeMismatchError,
  EideticaError,
  IdMismatchError,
  InvalidKeyError,
  InvalidPathError,
  LimitExceededError,
  MalformedError,
  UnsupportedVersionError,
  UnauthorizedError,
  NotFoundError,
  WrongDatabaseError,
  InvalidStateError,
  StoreTypeMismatchError,
  ValidationError,
  BatchRejectedError,
  StorageError,
  StorageCorruptedError,
  isEideticaError,
  type CoreErrorCode,
  type EideticaErrorOptions,
} from "./errors/errors.js";
export { LIMITS, type LimitName, type Limits } from "./limits.js";

export { manualClock, systemClock, type Clock, type ManualClock } from "./util/clock.js";
export { Mutex } from "./util/mutex.js";
export { WeightedLru, type WeightedLruLimits } from "./util/weighted-lru.js";
export { randomU64, randomUuidV4, seededRandom, systemRandom, type Random } from "./util/random.js";
export { bytesEqual, compareUtf8, concatBytes, fromHex, fromUtf8, toHex, utf8 } from "./util/bytes.js";
export { fromBase64, toBase64 } from "./util/base64.js";
export { jsonDepth, parseJsonLimited, type JsonLimits } from "./util/json-limits.js";

export {
  BLAKE3_CODE,
  DAG_CBOR_CODEC,
  EMPTY_ID,
  RAW_CODEC,
  compareIds,
  idFromBytes,
  idFromDagCbor,
  idFromRawBytes,
  idToBytes,
  parseId,
  sortedUniqueIds,
  type ID,
} from "./id/id.js";

export {
  ENTRY_VERSION,
  INDEX_STORE,
  ROOT_STORE,
  SETTINGS_STORE,
  UNSIGNED_KEY,
  hintOf,
  isHintSet,
  sigInfoMalformedReason,
  type DelegationSigKey,
  type DelegationStep,
  type DirectSigKey,
  type EntryFields,
  type KeyHint,
  type PublicKeyText,
  type SigInfo,
  type SigKey,
  type SubTreeNode,
  type TreeNode,
} from "./entry/types.js";
export { Entry, checkEntryId } from "./entry/entry.js";
export { EntryBuilder } from "./entry/builder.js";
export { encodeEntryCbor } from "./entry/canonical.js";
export { decodeEntryCbor } from "./entry/cbor-decode.js";
export { checkEntryStructure } from "./entry/structure.js";
export { decodeWireEntry, encodeWireEntry, entryToWire, parseWireEntry, wireEntryLength, type WireEntry } from "./entry/wire.js";
export { decodeEntryMetadata, encodeEntryMetadata, type EntryMetadata } from "./entry/metadata.js";
export { assertEntrySignature, signEntry, verifyEntrySignature, type SignEntryOptions } from "./entry/signing.js";

export { defaultEd25519, nobleEd25519, nodeEd25519, type Ed25519Provider, type VerifyItem } from "./crypto/ed25519.js";
export { SigningKey, formatPublicKey, isPublicKeyText, parsePublicKey, verifySignature } from "./crypto/keys.js";

export {
  MemoryDag,
  ancestorClosure,
  compareByHeightThenId,
  findTips,
  isAncestor,
  isHeightConsistent,
  missingForPeer,
  missingParents,
  nextHeight,
  topologicalOrder,
  type AncestorClosureOptions,
  type DagRecord,
  type DagView,
  type HeightAndId,
  type HeightsView,
  type IsAncestorOptions,
  type MissingForPeerOptions,
  type ParentsView,
} from "./dag/index.js";

export {
  BACKEND_BRAND,
  VERIFICATION_CODES,
  isBackend,
  type AncestorsOptions,
  type Backend,
  type InstanceRecordKind,
  type VerificationStatus,
} from "./backend/backend.js";
export { MemoryBackend, type MemoryBackendOptions } from "./backend/memory.js";

export {
  DELETED,
  DOC_VERSION,
  Deleted,
  Doc,
  List,
  Position,
  docFromJson,
  docFromJsonValue,
  docToJson,
  docToJsonBytes,
  isDeleted,
  mergeValues,
  parseListIndex,
  pathComponents,
  toPlain,
  toValue,
  valueKind,
  valuesEqual,
  type DocOptions,
  type ListEntry,
  type LiveValue,
  type PlainValue,
  type PositionParts,
  type Value,
  type ValueInput,
  type ValueKind,
} from "./crdt/index.js";

export {
  READ,
  admin,
  canAdmin,
  canWrite,
  comparePermissions,
  formatPermission,
  permissionFromDoc,
  permissionFromWire,
  permissionToDoc,
  permissionToWire,
  permits,
  write,
  type Permission,
} from "./auth/permission.js";
export {
  AuthSettings,
  authKeyFromDoc,
  authKeyToDoc,
  type AuthKey,
  type KeyStatus,
  type ResolvedKey,
} from "./auth/settings.js";
export { validateEntryAuth, type EntryAuthResult } from "./auth/validate.js";

export {
  Instance,
  type CreateDatabaseOptions,
  type IngestOptions,
  type InstanceOptions,
  type PeerIngestStats,
} from "./database/instance.js";
export type { MetadataValue } from "./database/instance-metadata.js";
export { Database } from "./database/database.js";
export { Transaction } from "./database/transaction.js";
export { DocStore, DOCSTORE_TYPE } from "./database/stores/doc-store.js";
export { Table, TABLE_TYPE, type TableOptions } from "./database/stores/table.js";
export { SettingsStore, parseHeightStrategy, type HeightStrategy } from "./database/stores/settings-store.js";
export type { IngestResult, IngestStatus, IngestVerdict } from "./database/ingest.js";
export type { QuarantineLimits } from "./database/quarantine.js";
export type { WriteCallback, WriteEvent, WriteSource } from "./database/tree-state.js";
export { dependenciesOf, pinOf } from "./database/verify.js";
export { missingEntries, type MissingEntriesOptions } from "./database/missing.js";

export {
  describe as describeJsonValue,
  expectArray,
  expectBoolean,
  expectBytes,
  expectObject,
  expectString,
  expectUint,
  isJsonObject,
  type JsonObject,
} from "./util/shape.js";
