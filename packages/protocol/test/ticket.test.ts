/**
 * Database tickets (spec 5.11): `eidetica:?db=<ID>&pr=<transport>:<address>…`, with only
 * `% & = # +` percent-encoded on output and form-urlencoded parsing on input.
 */
import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatTicket, parseTicket, type DatabaseTicket } from "../src/index.js";
import { expectCode } from "@eidetica/test-kit";
import { CHILD, ROOT } from "./support/fixtures.js";
import { fcParams } from "@eidetica/test-kit";

const ID = ROOT.id;

describe("formatTicket", () => {
  it("a ticket without addresses", () => {
    expect(formatTicket({ database: ID, addresses: [] })).toBe(`eidetica:?db=${ID}`);
  });

  it("addresses as pr=<transport>:<address>, in order, ':' and '/' verbatim", () => {
    const ticket: DatabaseTicket = {
      database: ID,
      addresses: [
        { transportType: "http", address: "127.0.0.1:8080" },
        { transportType: "iroh", address: "endpoint/abc" },
      ],
    };
    const text = formatTicket(ticket);
    expect(text).toBe(`eidetica:?db=${ID}&pr=http:127.0.0.1:8080&pr=iroh:endpoint/abc`);
    expect(parseTicket(text)).toEqual(ticket);
  });

  it("percent-encodes exactly % & = # + (as %25 %26 %3D %23 %2B) and round trips them", () => {
    const ticket: DatabaseTicket = { database: ID, addresses: [{ transportType: "h+t", address: "a%b&c=d#e+f?g h;é" }] };
    const text = formatTicket(ticket);
    expect(text).toBe(`eidetica:?db=${ID}&pr=h%2Bt:a%25b%26c%3Dd%23e%2Bf?g h;é`);
    expect(parseTicket(text)).toEqual(ticket);
  });

  it("an already-encoded-looking address is encoded again, so it round trips literally", () => {
    const ticket: DatabaseTicket = { database: ID, addresses: [{ transportType: "http", address: "%41%2B+" }] };
    const text = formatTicket(ticket);
    expect(text).toBe(`eidetica:?db=${ID}&pr=http:%2541%252B%2B`);
    expect(parseTicket(text)).toEqual(ticket);
  });

  it("characters outside the BMP round trip", () => {
    const ticket: DatabaseTicket = { database: ID, addresses: [{ transportType: "sim", address: "peer-😀-𝄞" }] };
    expect(parseTicket(formatTicket(ticket))).toEqual(ticket);
  });

  it("any addresses round trip (transport names without ':')", () => {
    const arbText = fc.string({ unit: "grapheme", maxLength: 12 });
    const arbAddress = fc.record({ transportType: arbText.filter((t) => !t.includes(":")), address: arbText });
    fc.assert(
      fc.property(fc.array(arbAddress, { maxLength: 4 }), (addresses) => {
        const ticket: DatabaseTicket = { database: ID, addresses };
        expect(parseTicket(formatTicket(ticket))).toEqual(ticket);
      }),
      fcParams(300),
    );
  });
});

describe("parseTicket", () => {
  it("'+' is a space when not encoded", () => {
    expect(parseTicket(`eidetica:?db=${ID}&pr=http:a+b`).addresses).toEqual([{ transportType: "http", address: "a b" }]);
  });

  it("other percent-encoded characters decode, in keys and values, UTF-8 included", () => {
    const parsed = parseTicket(`eidetica:?%64b=${ID}&pr=http%3A127.0.0.1%3a8080&pr=sim:caf%C3%A9%2F%20x`);
    expect(parsed.database).toBe(ID);
    expect(parsed.addresses).toEqual([
      { transportType: "http", address: "127.0.0.1:8080" },
      { transportType: "sim", address: "café/ x" },
    ]);
  });

  it("an invalid escape is kept as written", () => {
    expect(parseTicket(`eidetica:?db=${ID}&pr=sim:%zz%4%`).addresses).toEqual([{ transportType: "sim", address: "%zz%4%" }]);
  });

  it("a percent-encoded database ID decodes", () => {
    expect(parseTicket(`eidetica:?db=%62${ID.slice(1)}`).database).toBe(ID);
  });

  it("unknown parameters and empty pairs are ignored", () => {
    const parsed = parseTicket(`eidetica:?x=1&&db=${ID}&future&pr=http:h:1&tag=a%26b`);
    expect(parsed).toEqual({ database: ID, addresses: [{ transportType: "http", address: "h:1" }] });
  });

  it("a repeated db: the last one wins", () => {
    expect(parseTicket(`eidetica:?db=${ID}&db=${CHILD.id}`).database).toBe(CHILD.id);
    expect(parseTicket(`eidetica:?db=${CHILD.id}&pr=http:x&db=${ID}`).database).toBe(ID);
  });

  it("a pr value is split at the first ':'; one without ':' is skipped", () => {
    const parsed = parseTicket(`eidetica:?db=${ID}&pr=nocolon&pr=&pr=http:a:b:c&pr=:bare&pr`);
    expect(parsed.addresses).toEqual([
      { transportType: "http", address: "a:b:c" },
      { transportType: "", address: "bare" },
    ]);
  });

  it("an unencoded '#' is part of the value", () => {
    expect(parseTicket(`eidetica:?db=${ID}&pr=http:a#b`).addresses).toEqual([{ transportType: "http", address: "a#b" }]);
  });

  it("the database ID is returned in canonical form", () => {
    expect(parseTicket(`eidetica:?db=${ID}`).database).toBe(ID);
  });

  it.each([
    ["no prefix", `db=${ID}`],
    ["another scheme", `http://x/?db=${ID}`],
    ["the prefix without '?'", `eidetica:db=${ID}`],
    ["an upper-case prefix", `EIDETICA:?db=${ID}`],
    ["an empty string", ""],
    ["no db", "eidetica:?pr=http:127.0.0.1:8080"],
    ["no parameters", "eidetica:?"],
    ["an invalid ID", "eidetica:?db=not-a-cid"],
    ["an ID with a trailing fragment", `eidetica:?db=${ID}#frag`],
    ["an invalid ID before a valid one", `eidetica:?db=zzz&db=${ID}`],
    ["an invalid ID after a valid one", `eidetica:?db=${ID}&db=bafy`],
  ])("%s → MALFORMED", (_name, text) => {
    expectCode(() => parseTicket(text), "MALFORMED");
  });
});
