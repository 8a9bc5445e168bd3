import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The modules that reach the database or handle secrets start with `import "server-only"`: Next then refuses to
 * build any client component that imports them, directly or through a domain module (every store reaches
 * lib/db). Outside Next, tsconfig `paths` and the Vitest alias resolve the marker to the package's empty module.
 */
const MARKED = [
  "lib/db/client.ts",
  "lib/db/pool.ts",
  "lib/db/sql.ts",
  "lib/security/encryption.ts",
  "lib/auth/session.ts",
  "lib/auth/next-auth-options.ts",
  "lib/runtime/data-dir.ts",
];

describe("server-only markers", () => {
  it.each(MARKED)("%s is marked server-only", (file) => {
    const source = readFileSync(path.join(import.meta.dirname, "..", file), "utf8");
    expect(source.split("\n")[0]).toBe('import "server-only";');
  });

  it("resolves the marker to the empty module outside Next (tsx and tests read tsconfig paths)", () => {
    const tsconfig = readFileSync(path.join(import.meta.dirname, "..", "tsconfig.json"), "utf8");
    expect(tsconfig).toContain('"server-only": ["./node_modules/server-only/empty.js"]');
  });
});
