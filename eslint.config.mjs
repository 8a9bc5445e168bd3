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
    // lib/ is the domain: it must not reach into the UI or the routes (ARCHITECTURE.md, "Layout").
    files: ["lib/**/*.ts"],
    ignores: ["lib/**/*.test.ts", "lib/testing/**"], // tests and their helpers may drive the routes that wrap the domain
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@/app/*", "@/components/*", "../../app/*", "../../components/*"],
              message: "lib/ must not import from app/ or components/.",
            },
          ],
        },
      ],
    },
  },
]);
