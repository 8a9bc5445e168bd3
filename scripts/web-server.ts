/**
 * Cairn's web server: Next.js behind a plain node:http server, started by scripts/cairn.ts (`npm start`,
 * `npm run dev`) in place of `next start` / `next dev`.
 *
 *   tsx scripts/web-server.ts dev|start --port <port>
 *
 * Why not `next start`: a route handler gets no socket, and Next fills `x-forwarded-for` with the peer only
 * when the request has none, so a client could choose the address its sign-in attempts are counted against.
 * This server appends the socket's peer address to `x-forwarded-for` before Next sees the request, exactly as
 * a proxy does, so the right-most entry is always who connected (lib/auth/client-address.ts reads it under
 * CAIRN_TRUSTED_PROXIES). Everything else is Next's own request and upgrade (HMR) handling.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import next from "next";
import { createPeerStampingServer } from "../lib/http/peer-stamping-server";

const mode = process.argv[2];
const portFlag = process.argv.indexOf("--port");
const port = Number(portFlag > 0 ? process.argv[portFlag + 1] : (process.env.PORT ?? 3000));
if ((mode !== "dev" && mode !== "start") || !Number.isInteger(port)) {
  console.error("Usage: tsx scripts/web-server.ts dev|start --port <port>");
  process.exit(2);
}

async function main() {
  // Next attaches its upgrade (HMR) handling to the server it is given, so the server exists first and the
  // request handler is filled in once Next is ready (nothing listens before then).
  let handle: (req: IncomingMessage, res: ServerResponse) => Promise<void> = async () => {};
  const server = createPeerStampingServer((req, res) => handle(req, res));
  const app = next({ dev: mode === "dev", port, httpServer: server });
  handle = app.getRequestHandler();
  await app.prepare();
  server.listen(port, () =>
    console.log(`  ▲ Next.js (${mode === "dev" ? "development" : "production"}) on port ${port}`),
  );

  let closing = false;
  const close = () => {
    if (closing) return;
    closing = true;
    server.close();
    server.closeAllConnections();
    void app.close().finally(() => process.exit(0));
  };
  process.on("SIGTERM", close);
  process.on("SIGINT", close);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
