import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
  platform: "node",
  external: ["@eidetica/core", "@eidetica/protocol", "@number0/iroh", "@eidetica/peer-store"],
});
