/**
 * The child of bench:transactional (scripts/bench/transactional.ts): Cairn's side, in a process of its own as a
 * deployment's server has. It seeds the workspace (a full API key, an email template, the email channel pointed
 * at the parent's counting SMTP server, BENCH_PEOPLE profiles), serves app/api/v1/send/route.ts over real HTTP
 * (lib/testing/serve-routes.ts) and tells the parent where, over IPC. The parent asks for this process's CPU
 * time ("cpu") around its timed phase, and ends it ("stop"), which closes the server and exits (so a
 * `--cpu-prof` run writes its profile).
 */
import { pathToFileURL } from "node:url";
import { benchWorkspace } from "../harness";

export type ToRouteServer = { type: "cpu" } | { type: "stop" };
export type FromRouteServer =
  | { type: "ready"; url: string; secret: string; templateId: string }
  | { type: "cpu"; ms: number };

async function main(): Promise<void> {
  const smtpPort = Number(process.env.BENCH_SMTP_PORT);
  const people = Number(process.env.BENCH_PEOPLE ?? 200);
  // imported once the parent's environment (DATABASE_URL of the fresh database) is this process's
  const { createApiKey, workspaceContextForApiKey } = await import("../../../lib/api-keys/api-keys");
  const { saveChannelConfig } = await import("../../../lib/messaging/channel-config");
  const { createTemplate } = await import("../../../lib/messaging/templates/create-template");
  const { ingest } = await import("../../../lib/ingest/ingest");
  const { processIngestedEvents } = await import("../../../lib/engine/process-events");
  const { serveRoutes } = await import("../../../lib/testing/serve-routes");
  const { POST } = await import("../../../app/api/v1/send/route");
  const { closeSmtpTransports } = await import("../../../lib/messaging/providers");

  const { workspace, owner } = await benchWorkspace();
  const { secret } = await createApiKey(owner, { name: "bench", scope: "FULL" });
  await saveChannelConfig(owner, "email", {
    settings: { mode: "smtp", fromAddress: "shop@shop.example", fromName: "Shop", host: "127.0.0.1", port: smtpPort },
  });
  const template = await createTemplate(owner, {
    name: "Receipt",
    channel: "email",
    content: {
      subject: "Order {{ data.order_id | required }}",
      html: '<p>Hi {{ profile.traits.first_name | default: "there" }}, order {{ data.order_id }} ships today. <a href="https://shop.example/orders/{{ data.order_id }}">Track it</a></p>',
    },
  });
  const keyCtx = await workspaceContextForApiKey(secret);
  const identify = Array.from({ length: people }, (_, i) => ({
    type: "identify",
    userId: `person-${i}`,
    traits: { email: `person-${i}@example.com`, first_name: `P${i}` },
  }));
  const stored = await ingest(keyCtx, JSON.stringify({ batch: identify }), "batch");
  await processIngestedEvents(workspace.id, stored.eventIds, new Date());

  const routes = await serveRoutes({ "/api/v1/send": POST as never });
  const send = (message: FromRouteServer) => process.send!(message);
  process.on("message", async (message: ToRouteServer) => {
    if (message.type === "cpu") {
      const { user: u, system } = process.cpuUsage();
      send({ type: "cpu", ms: (u + system) / 1000 });
    } else if (message.type === "stop") {
      await routes.close();
      closeSmtpTransports();
      process.exit(0);
    }
  });
  send({ type: "ready", url: routes.url, secret, templateId: template.id });
}

// Run as the forked child; imported (for its message types) it starts nothing.
if (process.send && import.meta.url === pathToFileURL(process.argv[1]).href)
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
