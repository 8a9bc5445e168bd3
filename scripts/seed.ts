/**
 * npm run seed: a demo workspace with an owner and a full API key, printed once.
 * SEED_ADMIN_EMAIL, SEED_ADMIN_PASSWORD and SEED_API_KEY make the result deterministic.
 */
import { withScriptDatabase } from "../lib/db/script-database";
import { AppError } from "../lib/errors";
import { seedDemoWorkspace } from "../lib/workspaces/seed";

withScriptDatabase(() =>
  seedDemoWorkspace({
    email: process.env.SEED_ADMIN_EMAIL,
    password: process.env.SEED_ADMIN_PASSWORD,
    apiKey: process.env.SEED_API_KEY,
  }),
)
  .then((result) => {
    console.log(`Demo workspace "${result.workspace.name}" (/w/${result.workspace.slug})`);
    console.log(`  owner:    ${result.email}`);
    console.log(
      `  password: ${result.password ?? "(unchanged: the account existed; set SEED_ADMIN_PASSWORD to reset it)"}`,
    );
    console.log(`  API key:  ${result.apiKey}  (full scope)`);
    process.exit(0);
  })
  .catch((error: unknown) => {
    if (error instanceof AppError) {
      const envName: Record<string, string> = {
        email: "SEED_ADMIN_EMAIL",
        password: "SEED_ADMIN_PASSWORD",
        apiKey: "SEED_API_KEY",
      };
      console.error(
        `Seed failed: ${error.fields.map((f) => `${envName[f.path] ?? f.path}: ${f.message}`).join("; ") || error.message}`,
      );
    } else {
      console.error("Seed failed:", error);
    }
    process.exit(1);
  });
