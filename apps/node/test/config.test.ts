/** Configuration: precedence of flags over environment over file over defaults, and validation. */
import { describe, expect, it } from "vitest";
import { compactLayer, environmentLayer, resolveConfig } from "../src/config.js";
import { ConfigError } from "../src/errors.js";

const resolve = (...layers: object[]) => resolveConfig("/data", layers.map((layer, i) => ({ source: `layer ${i}`, layer })));

describe("resolveConfig", () => {
  it("takes defaults, then each layer over the one before", () => {
    expect(resolve()).toMatchObject({ http: { enabled: true, bind: "127.0.0.1:0" }, iroh: { enabled: true, relay: "disabled" }, approval: "manual", durability: "full" });
    const config = resolve({ http: { bind: "127.0.0.1:8080" }, approval: "auto" }, { http: { bind: "[::1]:9090" } });
    expect(config.http.bind).toBe("[::1]:9090");
    expect(config.approval).toBe("auto");
  });

  it("reads EIDETICA_* variables, and unset ones override nothing", () => {
    const layer = compactLayer(environmentLayer({ EIDETICA_HTTP: "0", EIDETICA_IROH_BIND: "127.0.0.1:7000,[::1]:7001", EIDETICA_LOG_LEVEL: "debug" }));
    expect(layer).toEqual({ http: { enabled: false }, iroh: { bind: ["127.0.0.1:7000", "[::1]:7001"] }, logLevel: "debug" });
    expect(resolve({ approval: "auto" }, compactLayer(environmentLayer({}))).approval).toBe("auto");
  });

  it("accepts ports up to 65535 and refuses 65536, naming the layer and field", () => {
    expect(resolve({ admin: { bind: "127.0.0.1:65534" } }).admin.bind).toBe("127.0.0.1:65534");
    expect(resolve({ admin: { bind: "127.0.0.1:65535" } }).admin.bind).toBe("127.0.0.1:65535");
    expect(() => resolve({ admin: { bind: "127.0.0.1:65536" } })).toThrow(/layer 0: admin.bind: expected host:port/);
    expect(() => resolve({ http: { bind: "example.com:80" } })).toThrow(ConfigError);
  });

  it("accepts display names of 127 and 128 characters and refuses 129 or none", () => {
    expect(resolve({ displayName: "n".repeat(127) }).displayName).toHaveLength(127);
    expect(resolve({ displayName: "n".repeat(128) }).displayName).toHaveLength(128);
    expect(() => resolve({ displayName: "n".repeat(129) })).toThrow(/displayName: expected a name of 1 to 128 characters/);
    expect(() => resolve({ displayName: "" })).toThrow(ConfigError);
  });

  it("refuses unknown settings, wrong types and a node with no transport", () => {
    expect(() => resolve({ colour: "blue" })).toThrow(/unknown setting "colour"/);
    expect(() => resolve({ http: { enabled: "yes" } })).toThrow(/http.enabled: expected true or false/);
    expect(() => resolve({ approval: "sometimes" })).toThrow(/approval: expected one of manual, auto/);
    expect(() => resolve({ iroh: { bind: [] } })).toThrow(/iroh.bind: expected a list/);
    expect(() => resolve({ http: { enabled: false }, iroh: { enabled: false } })).toThrow(/enable at least one of http and iroh/);
  });
});
