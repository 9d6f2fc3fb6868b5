import { preset } from "@eidetica/vitest-config";
import { defineConfig, mergeConfig } from "vitest/config";

// Tests import this package by name, as a user would; resolve that to the source so they
// need no build first (tsconfig.json maps it the same way for type-checking).
export default mergeConfig(
  preset,
  defineConfig({
    resolve: { alias: { "@eidetica/transport-iroh": new URL("./src/index.ts", import.meta.url).pathname } },
  }),
);
