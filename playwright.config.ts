import { existsSync } from "node:fs";
import { defineConfig } from "@playwright/test";

/**
 * End-to-end tests: a real Chromium (Debian's, since Playwright's own download cannot run here) against
 * Cairn started exactly as a user starts it (`scripts/cairn.ts start`), on a fresh embedded database.
 */
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(chromium)) {
  throw new Error(
    `Chromium not found at ${chromium}. Install it (Debian: apt-get install -y chromium) or set CHROMIUM_PATH.`,
  );
}

const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://localhost:${port}`;

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    baseURL,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: chromium,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [
    { name: "first-run", testMatch: /first-run\.spec\.ts/ },
    { name: "app", testIgnore: /first-run\.spec\.ts/, dependencies: ["first-run"] },
  ],
  webServer: {
    command:
      "node -e \"require('fs').rmSync('.data/e2e',{recursive:true,force:true})\" && npx tsx scripts/cairn.ts start",
    url: `${baseURL}/api/health`,
    timeout: 600_000,
    reuseExistingServer: false,
    stdout: "pipe",
    env: {
      PORT: String(port),
      CAIRN_DB_PORT: String(Number(process.env.E2E_DB_PORT ?? 54339)),
      CAIRN_EXECUTOR_PORT: String(Number(process.env.E2E_EXECUTOR_PORT ?? 8388)),
      CAIRN_SMTP_PORT: String(Number(process.env.E2E_SMTP_PORT ?? 2535)),
      CAIRN_DATA_DIR: ".data/e2e",
      DATABASE_URL: "", // always the embedded default, as a new user gets it
      NEXTAUTH_URL: baseURL,
      NEXT_TELEMETRY_DISABLED: "1",
      // the outbound guard refuses loopback: the e2e suite's local provider stand-ins on 127.0.0.1 are allowed explicitly
      CAIRN_OUTBOUND_ALLOW: "127.0.0.0/8,::1",
      // CI runs these beside both integration passes: a render's 100 ms wall-time budget would measure the machine
      CAIRN_RENDER_BUDGET_MS: "1000",
    },
  },
});
