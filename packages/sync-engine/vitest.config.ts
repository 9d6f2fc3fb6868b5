import { preset } from "@eidetica/vitest-config";
import { defineConfig, mergeConfig } from "vitest/config";

// Tests import this package by name, as a user would; resolve that to the source so they
// need no build first (tsconfig.json maps it the same way for type-checking).
export default mergeConfig(
  preset,
  defineConfig({
    resolve: {
      alias: [
        { find: /^@eidetica\/sync-engine\/testing$/, replacement: new URL("./src/testing/index.ts", import.meta.url).pathname },
        { find: /^@eidetica\/sync-engine$/, replacement: new URL("./src/index.ts", import.meta.url).pathname },
      ],
    },
  }),
);
