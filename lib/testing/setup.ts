import { inject } from "vitest";

process.env.DATABASE_URL = inject("databaseUrl");
process.env.CAIRN_TEST_BASE_DATABASE_URL = inject("databaseBaseUrl");
process.env.NEXTAUTH_SECRET = "integration-tests-secret-not-for-production";
process.env.NEXTAUTH_URL = "http://localhost:3000";
process.env.CAIRN_ENCRYPTION_KEY = "integration-tests-encryption-key";
process.env.CAIRN_BACKGROUND_JOBS = "off"; // tests roll up and dispatch explicitly (lib/ingest/after-ingest.ts)
// The outbound guard (lib/security/outbound.ts) refuses loopback like any private address: the local provider
// servers and webhook receivers the tests run on 127.0.0.1 are reached because this exception says so.
process.env.CAIRN_OUTBOUND_ALLOW = "127.0.0.0/8,::1";
