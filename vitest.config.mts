import os from "node:os";
import path from "node:path";
import { defineConfig } from "vitest/config";

/**
 * Integration files wait on databases, HTTP servers and child processes more than they compute: run three
 * at a time even on two cores. Each worker has a database of its own (lib/testing/global-setup.ts).
 */
const integrationWorkers = Number(process.env.CAIRN_TEST_INTEGRATION_WORKERS) || Math.max(3, os.availableParallelism());

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      // Next resolves the marker to nothing on the server and refuses it in client bundles; tests run on the server side.
      "server-only": path.resolve(import.meta.dirname, "node_modules/server-only/empty.js"),
    },
  },
  test: {
    env: { TZ: "UTC" },
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["{lib,components,app,scripts,inngest}/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "node_modules/**"],
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["{lib,components,app,scripts,inngest}/**/*.int.test.ts"],
          exclude: ["node_modules/**"],
          maxWorkers: integrationWorkers,
          globalSetup: ["lib/testing/global-setup.ts"],
          setupFiles: ["lib/testing/setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
