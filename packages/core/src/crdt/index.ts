/**
 * The CRDT document model of Eidetica: {@link Doc}, {@link List}, {@link Position}, the
 * {@link Value} union, merge, and the serde JSON codec that Rust peers read and write.
 *
 * @module
 */

export { type PlainValue, type ValueInput, toPlain, toValue } from "./convert.js";
export { Doc, type DocOptions } from "./doc.js";
export { DOC_VERSION, docFromJson, docFromJsonValue, docToJson, docToJsonBytes } from "./json.js";
export { List, type ListEntry } from "./list.js";
export { mergeValues } from "./merge.js";
export { parseListIndex, pathComponents } from "./path.js";
export { Position, type PositionParts } from "./position.js";
export {
  DELETED,
  Deleted,
  type LiveValue,
  type Value,
  type ValueKind,
  isDeleted,
  valueKind,
  valuesEqual,
} from "./value.js";
