import type { UserConfig } from "vitest/config";
/** The preset every package's `vitest.config.ts` starts from. */
export declare const preset: UserConfig;
export default preset;
