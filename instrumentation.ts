/**
 * Next.js calls register() once when a server process starts (`next dev`, `next start`), before it serves
 * a request. Cairn starts the ingest log's sweeps there (lib/ingest/after-ingest.ts), so events acknowledged
 * before a restart are handed to Inngest without waiting for new traffic, and warms the render workers and the SMTP
 * sender threads.
 */
export async function register(): Promise<void> {
  // The Edge runtime has no database driver; the sweeps belong to the Node.js server.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // `next build` may load this while prerendering: it serves nobody, so it sweeps nothing.
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  const { startIngestSweeps } = await import("./lib/ingest/after-ingest");
  startIngestSweeps();
  // The render workers take seconds to load cold; warming them now keeps that off the first broadcast's first
  // message (its target is 5 s from "send now") and off the first preview.
  const { renderPool } = await import("./lib/messaging/render-pool");
  void renderPool()
    .warm()
    .catch((error: Error) => console.error("[cairn] the render workers did not start:", error.message));
  // Likewise the SMTP sender threads a broadcast's emails leave through (until they have loaded, sends run on
  // the main thread, slower but never waiting).
  const { warmSmtpSenders } = await import("./lib/messaging/providers/smtp");
  void warmSmtpSenders().catch((error: Error) =>
    console.error("[cairn] the SMTP sender threads did not start:", error.message),
  );
}
