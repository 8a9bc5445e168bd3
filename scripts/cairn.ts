/**
 * `npm run dev` / `npm start`: brings up everything Cairn needs on one machine and stops it all on Ctrl-C.
 *
 *   1. secrets: generated once into the data directory (CAIRN_DATA_DIR, default .data/)
 *   2. database: DATABASE_URL if set, else the embedded PGlite server (data in <data dir>/pglite)
 *   3. migrations: applied to that database
 *   4. durable execution: the embedded Inngest executor (inngest/executor) as a child process, restarted
 *      with backoff if it dies (lib/runtime/supervise-child.ts), unless Inngest is configured
 *      (INNGEST_BASE_URL / INNGEST_EVENT_KEY / INNGEST_SIGNING_KEY), in which case the app talks to that
 *      Inngest instead
 *   5. email: the embedded SMTP server (lib/messaging/outbox-smtp.ts) on CAIRN_SMTP_PORT (default 2525), whose
 *      mail shows on the Outbox page, unless CAIRN_EMBEDDED_SMTP=off; workspaces with SMTP settings use theirs.
 *      It takes only mail sent with the generated password (CAIRN_EMBEDDED_SMTP_PASSWORD for the app)
 *   6. web app: Next.js in development (dev) or production (start; builds first if there is no build) mode,
 *      served by scripts/web-server.ts
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { assertPortFree, startEmbeddedPostgres, type EmbeddedPostgres } from "../lib/db/embedded";
import { migrate } from "../lib/db/migrate";
import { startOutboxSmtpServer, type OutboxSmtpServer } from "../lib/messaging/outbox-smtp";
import { dataDir, loadOrCreateSecrets } from "../lib/runtime/data-dir";
import { superviseChild, type SupervisedChild } from "../lib/runtime/supervise-child";

const mode = process.argv[2];
if (mode !== "dev" && mode !== "start") {
  console.error("Usage: tsx scripts/cairn.ts dev|start");
  process.exit(2);
}

const port = Number(process.env.PORT ?? 3000);
const dbPort = Number(process.env.CAIRN_DB_PORT ?? 54329);
const executorPort = Number(process.env.CAIRN_EXECUTOR_PORT ?? 8288);
const smtpPort = Number(process.env.CAIRN_SMTP_PORT ?? 2525);
const embeddedSmtp = process.env.CAIRN_EMBEDDED_SMTP !== "off";
const externalInngest = !!(
  process.env.INNGEST_BASE_URL ||
  process.env.INNGEST_EVENT_KEY ||
  process.env.INNGEST_SIGNING_KEY ||
  process.env.INNGEST_DEV
);
const say = (line: string) => console.log(`\x1b[36m[cairn]\x1b[0m ${line}`);

function fail(message: string): never {
  console.error(`\x1b[31m[cairn] ${message}\x1b[0m`);
  process.exit(1);
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      const response = await fetch(url);
      if (response.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

async function main() {
  const dir = dataDir();
  const secrets = loadOrCreateSecrets(dir);
  await assertPortFree(port, undefined, "the Cairn web app", "PORT").catch((e: Error) => fail(e.message));
  if (!externalInngest)
    await assertPortFree(executorPort, "127.0.0.1", "the embedded Inngest executor", "CAIRN_EXECUTOR_PORT").catch(
      (e: Error) => fail(e.message),
    );
  if (embeddedSmtp)
    await assertPortFree(smtpPort, "127.0.0.1", "the embedded SMTP server", "CAIRN_SMTP_PORT").catch((e: Error) =>
      fail(e.message),
    );

  let embedded: EmbeddedPostgres | null = null;
  let databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl) {
    say(`database: DATABASE_URL (${new URL(databaseUrl).host})`);
  } else {
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(dir, "pglite"),
      port: dbPort,
      password: secrets.databasePassword,
    }).catch((e: Error) => fail(e.message));
    databaseUrl = embedded.url;
    say(`database: embedded Postgres (PGlite) on 127.0.0.1:${dbPort}, data in ${path.join(dir, "pglite")}`);
  }

  try {
    const result = await migrate(databaseUrl, { log: (line) => say(`migrations: ${line}`) });
    say(`migrations: ${result.applied.length} applied, ${result.alreadyApplied} already in place`);
  } catch (error) {
    await embedded?.stop();
    fail(`Could not apply migrations: ${(error as Error).message}`);
  }

  let smtp: OutboxSmtpServer | null = null;
  if (embeddedSmtp) {
    smtp = await startOutboxSmtpServer({ port: smtpPort, databaseUrl, password: secrets.smtpPassword, log: say }).catch(
      async (e: Error) => {
        await embedded?.stop();
        return fail(`Could not start the embedded SMTP server: ${e.message}`);
      },
    );
    say(`email: embedded SMTP server on 127.0.0.1:${smtpPort} (mail shows on the Outbox page)`);
  }

  // The app's own loopback services pass the outbound guard (lib/security/outbound.ts); the operator's entries stay.
  const outboundAllow = [process.env.CAIRN_OUTBOUND_ALLOW?.trim(), embeddedSmtp ? `127.0.0.1:${smtpPort}` : ""]
    .filter(Boolean)
    .join(",");
  // Where /api/inngest registers itself with the embedded executor (never the request's Host), and the one
  // URL the executor accepts a registration for.
  const appServeOrigin = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    ...(embeddedSmtp
      ? { CAIRN_EMBEDDED_SMTP: `127.0.0.1:${smtpPort}`, CAIRN_EMBEDDED_SMTP_PASSWORD: secrets.smtpPassword }
      : {}),
    ...(outboundAllow ? { CAIRN_OUTBOUND_ALLOW: outboundAllow } : {}),
    DATABASE_URL: databaseUrl,
    NEXTAUTH_SECRET: secrets.nextAuthSecret,
    CAIRN_ENCRYPTION_KEY: secrets.encryptionKey,
    NEXTAUTH_URL: process.env.NEXTAUTH_URL ?? `http://localhost:${port}`,
    CAIRN_DATA_DIR: dir,
    NEXT_TELEMETRY_DISABLED: "1",
    // The embedded executor stands in for Inngest: the SDK sends events to it and it calls /api/inngest,
    // signing its calls with a generated key, so the endpoint stays in Inngest's verifying (cloud) mode.
    // It ticks wake-due every second (Inngest's own cron stops at minutes).
    ...(externalInngest
      ? {}
      : {
          INNGEST_BASE_URL: `http://127.0.0.1:${executorPort}/`,
          INNGEST_SIGNING_KEY: secrets.inngestSigningKey,
          INNGEST_EVENT_KEY: secrets.inngestEventKey,
          INNGEST_SERVE_ORIGIN: appServeOrigin,
          INNGEST_SERVE_PATH: "/api/inngest",
          CAIRN_WAKE_DUE_CRON: process.env.CAIRN_WAKE_DUE_CRON ?? "* * * * * *",
        }),
  };
  const nextBin = path.join("node_modules", "next", "dist", "bin", "next");

  if (mode === "start" && !existsSync(path.join(".next", "BUILD_ID"))) {
    say("no production build yet: running `next build` (once; run `npm run build` after changing the code)");
    const build = spawnSync(process.execPath, [nextBin, "build"], { stdio: "inherit", env });
    if (build.status !== 0) {
      await embedded?.stop();
      fail("`next build` failed; see above.");
    }
  }

  // Next.js behind Cairn's own node:http server, which appends each request's peer address to
  // x-forwarded-for as a proxy would (scripts/web-server.ts says why `next start` cannot be used).
  const web = spawn(
    process.execPath,
    ["--import", "tsx", path.join("scripts", "web-server.ts"), mode, "--port", String(port)],
    { stdio: "inherit", env },
  );
  // The executor is its own process so it can crash alone: it is started again (1 s, doubling to 30 s, back
  // to 1 s after a minute up), and what it had leased is taken over by the new one at once (same host).
  const executor: SupervisedChild | null = externalInngest
    ? null
    : superviseChild({
        start: () =>
          spawn(process.execPath, ["--import", "tsx", path.join("inngest", "executor", "main.ts")], {
            stdio: "inherit",
            env: {
              ...env,
              CAIRN_EXECUTOR_PORT: String(executorPort),
              CAIRN_EXECUTOR_APP_URL: `${appServeOrigin}/api/inngest`,
            },
          }),
        onExit: ({ code, signal, restartInMs }) =>
          say(
            `the embedded executor stopped (${signal ?? `code ${code}`}); starting it again in ${restartInMs / 1000} s`,
          ),
      });
  say(
    externalInngest
      ? `durable execution: Inngest at ${process.env.INNGEST_BASE_URL ?? "Inngest Cloud"}`
      : `durable execution: embedded Inngest executor on 127.0.0.1:${executorPort}`,
  );
  let stopping = false;
  const stopChild = async (child: ChildProcess | null) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
  };
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await executor?.stop();
    await stopChild(web);
    await smtp?.close();
    if (embedded) {
      say("stopping the embedded database");
      await embedded.stop();
    }
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
  web.on("exit", (code) => void stop(code ?? 1));

  if (await waitForHealth(`http://127.0.0.1:${port}/api/health`, web, 180_000)) {
    say(`Cairn is ready at ${env.NEXTAUTH_URL}  (Ctrl-C stops everything)`);
  }
}

void main();
