/**
 * Hand-written decoder cases and paths, sent to the Rust oracle by `generate.ts` and checked by
 * `oracle-fixtures.test.ts`. Each reject case names what this port must do: `"ok"` or the error
 * code it throws. Where Rust accepts and this port refuses, the comment says why.
 */

const POS = '{"numerator":1,"denominator":1,"unique_id":"936da01f-9abd-4d9d-80c7-02af85c822a8"}';
const pos = (n: string, d: string, id = "936da01f-9abd-4d9d-80c7-02af85c822a8"): string =>
  `{"numerator":${n},"denominator":${d},"unique_id":"${id}"}`;
const list = (items: string): string => `{"children":{"l":{"List":[${items}]}}}`;
const nest = (levels: number, leaf: string): string =>
  '{"children":{"k":{"Doc":'.repeat(levels) + `{"children":{"leaf":${leaf}}}` + "}}}".repeat(levels);

/** What this port does with the input: accept it, or throw an error with this code. */
export type Expectation = "ok" | "MALFORMED" | "UNSUPPORTED_VERSION" | "LIMIT_EXCEEDED";

/** `[name, JSON text, what this port does]`. */
export const REJECT_CASES: readonly (readonly [string, string, Expectation])[] = [
  ["Rust fixture: missing _v defaults to 0", '{"children": {"key": {"Text": "value"}}}', "ok"],
  ["Rust fixture: _v 99", '{"_v": 99, "children": {}}', "UNSUPPORTED_VERSION"],
  ["explicit _v 0", '{"_v":0,"children":{}}', "ok"],
  ["_v 256 (not a u8)", '{"_v":256,"children":{}}', "UNSUPPORTED_VERSION"],
  ["_v as a string", '{"_v":"0","children":{}}', "MALFORMED"],
  ["missing children", "{}", "MALFORMED"],
  ["explicit _a false", '{"_a":false,"children":{}}', "ok"],
  ["_a not a boolean", '{"_a":1,"children":{}}', "MALFORMED"],
  ["unknown field (serde ignores it; Rust never writes it)", '{"children":{},"x":1}', "MALFORMED"],
  ["Doc as an array (serde's struct-as-sequence form)", "[0,true,{}]", "MALFORMED"],
  ['unit variant as a map (serde accepts {"Null":null})', '{"children":{"a":{"Null":null}}}', "MALFORMED"],
  ["unknown variant", '{"children":{"a":{"Float":1}}}', "MALFORMED"],
  ["unknown unit variant", '{"children":{"a":"Nil"}}', "MALFORMED"],
  ["two variant keys", '{"children":{"a":{"Int":1,"Text":"x"}}}', "MALFORMED"],
  ["empty value object", '{"children":{"a":{}}}', "MALFORMED"],
  ["Int written as a float", '{"children":{"a":{"Int":1.0}}}', "MALFORMED"],
  ["Int -0 (a float to serde_json)", '{"children":{"a":{"Int":-0}}}', "MALFORMED"],
  ["Int with an exponent", '{"children":{"a":{"Int":1e3}}}', "MALFORMED"],
  ["Int at the safe maximum", '{"children":{"a":{"Int":9007199254740991}}}', "ok"],
  ["Int at the safe minimum", '{"children":{"a":{"Int":-9007199254740991}}}', "ok"],
  [
    "Int 2^53 (valid i64; beyond this port's safe integers)",
    '{"children":{"a":{"Int":9007199254740992}}}',
    "MALFORMED",
  ],
  [
    "Int i64::MIN (valid i64; beyond this port's safe integers)",
    '{"children":{"a":{"Int":-9223372036854775808}}}',
    "MALFORMED",
  ],
  ["Int beyond i64", '{"children":{"a":{"Int":9223372036854775808}}}', "MALFORMED"],
  ["Bool not a boolean", '{"children":{"a":{"Bool":"true"}}}', "MALFORMED"],
  ["Text not a string", '{"children":{"a":{"Text":1}}}', "MALFORMED"],
  ["escaped lone surrogate", '{"children":{"a":{"Text":"\\ud800"}}}', "MALFORMED"],
  ["escaped surrogate pair", '{"children":{"a":{"Text":"\\ud83d\\ude00"}}}', "ok"],
  ["every escape", '{"children":{"a":{"Text":"\\"\\\\\\/\\b\\f\\n\\r\\t\\u0000\\u00e9"}}}', "ok"],
  ["raw control character", '{"children":{"a":{"Text":"\u0001"}}}', "MALFORMED"],
  ["bad escape", '{"children":{"a":{"Text":"\\x"}}}', "MALFORMED"],
  ["duplicate key (serde keeps the last)", '{"children":{"a":{"Int":1},"a":{"Int":2}}}', "MALFORMED"],
  ["duplicate struct field", '{"children":{},"children":{}}', "MALFORMED"],
  ["trailing comma", '{"children":{},}', "MALFORMED"],
  ["trailing characters", '{"children":{}} x', "MALFORMED"],
  ["surrounding whitespace", ' \n{"children":{}}\t\r ', "ok"],
  ["byte-order mark", '\uFEFF{"children":{}}', "MALFORMED"],
  ["empty input", "", "MALFORMED"],
  ["top level not an object", '"Null"', "MALFORMED"],
  ["children not an object", '{"children":[]}', "MALFORMED"],
  ["key with a dot is a literal key", '{"children":{"a.b":{"Int":1}}}', "ok"],
  ["list not an array", '{"children":{"l":{"List":{}}}}', "MALFORMED"],
  ["list pair too long", list(`[${POS},"Null",1]`), "MALFORMED"],
  ["list pair too short", list(`[${POS}]`), "MALFORMED"],
  ["list out of order (sorted on read)", list(`[${pos("2", "1")},"Null"],[${pos("1", "1")},"Deleted"]`), "ok"],
  ["unreduced position (kept as written)", list(`[${pos("2", "4")},{"Int":1}]`), "ok"],
  [
    "same slot twice, 1/2 and 2/4 (serde keeps the first key, last value)",
    list(`[${pos("1", "2")},"Null"],[${pos("2", "4")},"Deleted"]`),
    "MALFORMED",
  ],
  ["denominator 0 (serde accepts; breaks the order)", list(`[${pos("1", "0")},"Null"]`), "MALFORMED"],
  ["negative denominator", list(`[${pos("1", "-1")},"Null"]`), "MALFORMED"],
  [
    "numerator i64::MIN, denominator u64::MAX",
    list(`[${pos("-9223372036854775808", "18446744073709551615")},"Null"]`),
    "ok",
  ],
  ["numerator beyond i64", list(`[${pos("9223372036854775808", "1")},"Null"]`), "MALFORMED"],
  ["denominator beyond u64", list(`[${pos("1", "18446744073709551616")},"Null"]`), "MALFORMED"],
  ["numerator as a float", list(`[${pos("1.5", "1")},"Null"]`), "MALFORMED"],
  ["non-v4 UUID", list(`[${pos("1", "1", "936da01f-9abd-1d9d-00c7-02af85c822a8")},"Null"]`), "ok"],
  [
    "upper-case UUID (serde accepts; Rust never writes it)",
    list(`[${pos("1", "1", "936DA01F-9ABD-4D9D-80C7-02AF85C822A8")},"Null"]`),
    "MALFORMED",
  ],
  [
    "UUID without hyphens (serde accepts)",
    list(`[${pos("1", "1", "936da01f9abd4d9d80c702af85c822a8")},"Null"]`),
    "MALFORMED",
  ],
  ["not a UUID", list(`[${pos("1", "1", "not-a-uuid")},"Null"]`), "MALFORMED"],
  [
    "position with an unknown field",
    list(`[{"numerator":1,"denominator":1,"unique_id":"936da01f-9abd-4d9d-80c7-02af85c822a8","x":0},"Null"]`),
    "MALFORMED",
  ],
  [
    "position missing a field",
    list(`[{"numerator":1,"unique_id":"936da01f-9abd-4d9d-80c7-02af85c822a8"},"Null"]`),
    "MALFORMED",
  ],
  ["20 nested docs and an empty list: 64 levels", nest(20, '{"List":[]}'), "ok"],
  [
    "20 nested docs and an empty doc: 65 levels (serde allows 128)",
    nest(20, '{"Doc":{"children":{}}}'),
    "LIMIT_EXCEEDED",
  ],
  ["200 nested arrays", "[".repeat(200) + "]".repeat(200), "LIMIT_EXCEEDED"],
];

/** Paths tried with get, set and remove on documents that have `l` = [p, q, {r:1}] and `a.b`. */
export const PATH_POOL: readonly string[] = [
  "a",
  "b",
  "a.b",
  "a.b.c",
  "l",
  "l.0",
  "l.+1",
  "l.02",
  "l.2.r",
  "l.9",
  "l.x",
  "",
  ".",
  "..a..b.",
  "a.",
  "Text",
  "ключ.x",
  "c.d.e.f",
];
