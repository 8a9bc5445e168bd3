import { inject } from "vitest";

// This worker's own database (lib/testing/global-setup.ts): files running at the same time never share one.
const databaseUrls = inject("databaseUrls");
const poolId = Number(process.env.VITEST_POOL_ID);
if (!databaseUrls[poolId - 1]) {
  throw new Error(`No test database for worker ${process.env.VITEST_POOL_ID} (${databaseUrls.length} were created).`);
}
process.env.DATABASE_URL = databaseUrls[poolId - 1];
process.env.CAIRN_TEST_BASE_DATABASE_URL = inject("databaseBaseUrl");
process.env.NEXTAUTH_SECRET = "integration-tests-secret-not-for-production";
process.env.NEXTAUTH_URL = "http://localhost:3000";
process.env.CAIRN_ENCRYPTION_KEY = "integration-tests-encryption-key";
process.env.CAIRN_BACKGROUND_JOBS = "off"; // tests roll up and dispatch explicitly (lib/ingest/after-ingest.ts)
// The outbound guard (lib/security/outbound.ts) refuses loopback like any private address: the local provider
// servers and webhook receivers the tests run on 127.0.0.1 are reached because this exception says so.
process.env.CAIRN_OUTBOUND_ALLOW = "127.0.0.0/8,::1";
// Rendering has a wall-time budget (100 ms in production, lib/messaging/liquid.ts). Integration files run beside
// the other database pass and the browser tests, where a trivial render can wait 100 ms for a core: a second here
// keeps the tests about templates, and render-budget.int.test.ts still proves a runaway template is stopped.
process.env.CAIRN_RENDER_BUDGET_MS = "1000";
