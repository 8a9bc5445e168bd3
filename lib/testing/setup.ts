import { inject } from "vitest";

process.env.DATABASE_URL = inject("databaseUrl");
process.env.CAIRN_TEST_BASE_DATABASE_URL = inject("databaseBaseUrl");
process.env.NEXTAUTH_SECRET = "integration-tests-secret-not-for-production";
process.env.NEXTAUTH_URL = "http://localhost:3000";
process.env.CAIRN_ENCRYPTION_KEY = "integration-tests-encryption-key";
process.env.CAIRN_BACKGROUND_JOBS = "off"; // tests roll up and dispatch explicitly (lib/ingest/after-ingest.ts)
