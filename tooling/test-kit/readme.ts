import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, vi } from "vitest";

/**
 * The ```ts examples of a package's README, runnable one by one: each is written to a temporary
 * file beside the tests with the package imports pointed at `src`, imported, and what it printed
 * with `console.log` is returned. Call at the top level of a test file.
 *
 * @param testDir - the test folder (`new URL(".", import.meta.url).pathname`); the README is in
 *   its parent.
 * @param replacements - text to replace in every example, such as
 *   `{ '"@eidetica/core"': <url of src/index.ts> }`; {@link sourceOf} builds the usual one.
 */
export function readmeExamples(testDir: string, replacements: Readonly<Record<string, string>>) {
  const dir = mkdtempSync(join(testDir, ".readme-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const examples = [...readFileSync(join(testDir, "..", "README.md"), "utf8").matchAll(/```ts\n([\s\S]*?)```/g)].map(
    (match) => match[1] ?? "",
  );
  return {
    /** How many examples the README has. */
    count: examples.length,
    /** Runs example `index` (0-based) and returns its `console.log` calls. */
    async run(index: number): Promise<unknown[][]> {
      let code = examples[index] ?? "";
      for (const [from, to] of Object.entries(replacements)) code = code.replaceAll(from, to);
      const file = join(dir, `example-${index}-${Date.now()}.ts`);
      writeFileSync(file, code);
      const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
      try {
        await import(pathToFileURL(file).href);
        return log.mock.calls;
      } finally {
        log.mockRestore();
      }
    },
  };
}

/** `{ '"<packageName>"': '"<file URL of src/index.ts>"' }` for {@link readmeExamples}. */
export function sourceOf(packageName: string, testDir: string): Record<string, string> {
  return { [JSON.stringify(packageName)]: JSON.stringify(pathToFileURL(join(testDir, "..", "src", "index.ts")).href) };
}
