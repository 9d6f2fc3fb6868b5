/** Error responses with a stable code prefix (reliability U1). */
import { describe, expect, it } from "vitest";
import { WIRE_ERROR_CODES, decodeResponse, encodeResponse, parseWireError, wireError } from "../src/index.js";

describe("wire errors", () => {
  it("writes `<code>: <message>` as a plain Eidetica v0 Error response, and reads the code back", () => {
    for (const code of WIRE_ERROR_CODES) {
      const response = wireError(code, "Tree not found: bafyexample");
      expect(response).toEqual({ kind: "Error", message: `${code}: Tree not found: bafyexample` });
      const text = encodeResponse(response);
      expect(text).toBe(JSON.stringify({ Error: `${code}: Tree not found: bafyexample` }));
      const decoded = decodeResponse(text);
      expect(decoded.kind === "Error" && parseWireError(decoded.message)).toEqual({ code, message: "Tree not found: bafyexample" });
    }
  });

  it("reads a text without a known code (a Rust peer's) as a message with no code", () => {
    expect(parseWireError("Tree not found: bafyexample")).toEqual({ code: undefined, message: "Tree not found: bafyexample" });
    expect(parseWireError("Authentication required: no key")).toEqual({ code: undefined, message: "Authentication required: no key" });
    expect(parseWireError("not_found")).toEqual({ code: undefined, message: "not_found" });
    expect(parseWireError("nope: x")).toEqual({ code: undefined, message: "nope: x" });
    expect(parseWireError("")).toEqual({ code: undefined, message: "" });
  });
});
