/** npm run db:migrate: applies pending migrations to DATABASE_URL (`npm run dev`/`start` do this themselves). */
import { migrate } from "../lib/db/migrate";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error(
    "Set DATABASE_URL to the Postgres to migrate. (The embedded database is migrated by `npm run dev` / `npm start`.)",
  );
  process.exit(2);
}
migrate(url, { log: console.log })
  .then((r) => console.log(`${r.applied.length} applied, ${r.alreadyApplied} already in place`))
  .catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
