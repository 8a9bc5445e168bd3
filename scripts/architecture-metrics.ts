/**
 * `npm run metrics:architecture`: the structural numbers the architecture issue is measured by, computed from the
 * tree so that "before" and "after" are the same count: raw SQL call sites outside store modules, API routes
 * implemented twice (a /api/v1 route and a /api/workspaces/[slug] twin with its own handler), query strings parsed
 * by hand, hard-coded /api URLs in the UI, and the largest source files.
 *
 *   npx tsx scripts/architecture-metrics.ts [--json]
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..");
const SOURCE_DIRS = ["app", "components", "lib", "inngest"];

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "generated" || name.startsWith(".")) continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else if (/\.(ts|tsx)$/.test(name)) out.push(path.relative(ROOT, full));
  }
  return out;
}

const files = SOURCE_DIRS.flatMap((dir) => walk(path.join(ROOT, dir)));
const sourceFiles = files.filter((file) => !/\.test\.tsx?$/.test(file));
const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");

/** A raw SQL call: node-postgres' query() or one of Prisma's raw escapes. */
const SQL_CALL =
  /\.query(<[^>]*>)?\(|\$queryRaw|\$executeRaw|queryRawUnsafe|executeRawUnsafe|\b(selectRows?|execute)\(\s*[\w.()]+,\s*[\w`"']/g;
const isStore = (file: string) => /(^|\/)store(s)?\/|[-.]store\.ts$|\/stores?\.ts$/.test(file);
const isInfrastructure = (file: string) => file.startsWith("lib/db/") || file.startsWith("lib/testing/");

let sqlOutside = 0;
let sqlInStores = 0;
let sqlInfrastructure = 0;
const sqlFilesOutside = new Map<string, number>();
for (const file of sourceFiles) {
  const count = (read(file).match(SQL_CALL) ?? []).length;
  if (!count) continue;
  if (isStore(file)) sqlInStores += count;
  else if (isInfrastructure(file)) sqlInfrastructure += count;
  else {
    sqlOutside += count;
    sqlFilesOutside.set(file, count);
  }
}

// Twin routes: the same resource path served by a v1 route and a workspace route, each with handlers of its own
// (a route file that only re-exports another's handlers is one implementation, not two).
const routeFiles = files.filter((file) => file.endsWith("/route.ts"));
const v1Routes = routeFiles.filter((file) => file.startsWith("app/api/v1/"));
const workspaceRoutes = new Set(
  routeFiles
    .filter((file) => file.startsWith("app/api/workspaces/[slug]/"))
    .map((file) => file.slice("app/api/workspaces/[slug]/".length)),
);
const definesHandlers = (file: string) => /export const (GET|POST|PUT|PATCH|DELETE)\b/.test(read(file));
const twins = v1Routes.filter((file) => {
  const tail = file.slice("app/api/v1/".length);
  const twin = `app/api/workspaces/[slug]/${tail}`;
  return workspaceRoutes.has(tail) && definesHandlers(file) && definesHandlers(twin);
});

// Query strings read by hand: searchParams.get(...) inside route handlers and the lib/*/http.ts helpers they call.
const handParsed = sourceFiles.filter(
  (file) => (file.startsWith("app/api/") || /^lib\/.*http\.ts$/.test(file)) && /searchParams\.get\(/.test(read(file)),
);

// Hard-coded API URLs in the UI (string or template literals starting with /api/).
const UI_URL = /[`"']\/api\/(?!auth\/)/g;
const uiFiles = sourceFiles.filter(
  (file) => file.startsWith("components/") || (file.startsWith("app/") && !file.startsWith("app/api/")),
);
const uiUrls = uiFiles.reduce((sum, file) => sum + (read(file).match(UI_URL) ?? []).length, 0);

const lines = (file: string) => read(file).split("\n").length;
const largest = sourceFiles
  .map((file) => ({ file, lines: lines(file) }))
  .sort((a, b) => b.lines - a.lines)
  .slice(0, 10);
const canvasOver300 = sourceFiles.filter((file) => file.startsWith("components/canvas/") && lines(file) > 300);

const report = {
  sqlCallSitesOutsideStores: sqlOutside,
  filesWithSqlOutsideStores: sqlFilesOutside.size,
  sqlCallSitesInStores: sqlInStores,
  sqlCallSitesInDbInfrastructureAndTestHelpers: sqlInfrastructure,
  v1Routes: v1Routes.length,
  twinRoutesImplementedTwice: twins.length,
  routeFilesParsingQueryByHand: handParsed.length,
  hardCodedApiUrlsInUi: uiUrls,
  canvasFilesOver300Lines: canvasOver300.length,
  largestFiles: largest,
};

if (process.argv.includes("--json")) console.log(JSON.stringify(report, null, 2));
else {
  console.log(`raw SQL call sites outside store modules   ${sqlOutside} in ${sqlFilesOutside.size} files`);
  console.log(`raw SQL call sites in store modules        ${sqlInStores}`);
  console.log(`  (lib/db and lib/testing, not counted)    ${sqlInfrastructure}`);
  console.log(`v1 routes / implemented twice             ${v1Routes.length} / ${twins.length}`);
  console.log(`route files parsing the query by hand      ${handParsed.length}`);
  console.log(`hard-coded /api URLs in the UI             ${uiUrls}`);
  console.log(`canvas files over 300 lines                ${canvasOver300.length}`);
  console.log("largest source files:");
  for (const { file, lines: n } of largest) console.log(`  ${String(n).padStart(5)}  ${file}`);
  const top = [...sqlFilesOutside].sort((a, b) => b[1] - a[1]).slice(0, 12);
  console.log("most raw SQL outside stores:");
  for (const [file, n] of top) console.log(`  ${String(n).padStart(5)}  ${file}`);
}
