// Shared vitest preset. Plain JS so that vitest can load it from node_modules on Node 20.
import { defineConfig } from "vitest/config";

/**
 * The preset every package's `vitest.config.ts` starts from.
 * Tests live in `test/**\/*.test.ts`; long soaks run only when `EIDETICA_SOAK=1`.
 * @type {import("vitest/config").UserConfig}
 */
export const preset = defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ["default"],
  },
});

export default preset;
