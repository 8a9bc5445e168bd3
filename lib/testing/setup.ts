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
