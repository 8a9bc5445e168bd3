import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores([
    ".next/**",
    ".scratch/**",
    "node_modules/**",
    ".data/**",
    "lib/db/generated/**",
    "next-env.d.ts",
    "test-results/**",
    "playwright-report/**",
  ]),
  {
    // lib/ is the domain: it must not reach into the UI, the routes or the job runtime (ARCHITECTURE.md, "Layout").
    files: ["lib/**/*.ts"],
    ignores: ["lib/**/*.test.ts", "lib/testing/**"], // tests and their helpers may drive the routes and functions that wrap the domain
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@/app/*", "@/components/*", "../../app/*", "../../components/*"],
              message: "lib/ must not import from app/ or components/.",
            },
            {
              // lib/ sends jobs through lib/jobs (its contracts and client); inngest/ runs them and calls into lib/.
              group: ["@/inngest/*", "../inngest/*", "../../inngest/*", "../../../inngest/*"],
              message: "lib/ must not import from inngest/: send jobs with lib/jobs, run them in inngest/functions.",
            },
          ],
        },
      ],
    },
  },
]);
