/**
 * Next.js calls register() once when a server process starts (`next dev`, `next start`), before it serves
 * a request. Cairn starts the ingest log's sweeps there (lib/ingest/after-ingest.ts), so events acknowledged
 * before a restart are handed to Inngest without waiting for new traffic.
 */
export async function register(): Promise<void> {
  // The Edge runtime has no database driver; the sweeps belong to the Node.js server.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // `next build` may load this while prerendering: it serves nobody, so it sweeps nothing.
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  const { startIngestSweeps } = await import("./lib/ingest/after-ingest");
  startIngestSweeps();
}
