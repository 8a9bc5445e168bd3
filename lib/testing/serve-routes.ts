import http from "node:http";
import type { AddressInfo } from "node:net";

type Handler = (request: Request, context: { params: Promise<Record<string, never>> }) => Promise<Response>;

/**
 * Serves route handlers over real HTTP on a free local port, the way Next.js hands them a Request, for
 * tests that need a real client on the other end (the Segment SDK). Routes are matched by exact path.
 */
export async function serveRoutes(
  routes: Record<string, Handler>,
  options: { port?: number } = {},
): Promise<{ url: string; close(): Promise<void> }> {
  // Handlers still running when the server closes (an executor killed mid-call leaves some) would go on
  // querying the database after the test moved on, maybe to one being dropped: close() waits for them.
  const inFlight = new Set<Promise<void>>();
  const server = http.createServer((req, res) => {
    const handling = handle(req, res)
      .catch(() => void res.destroy()) // the client went away mid-request (the executor was killed)
      .finally(() => inFlight.delete(handling));
    inFlight.add(handling);
  });
  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const handler = routes[url.pathname];
    if (!handler) {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
    const body = chunks.length ? Buffer.concat(chunks) : undefined;
    try {
      const response = await handler(new Request(url, { method: req.method, headers, body }), {
        params: Promise.resolve({}),
      });
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(error));
    }
  }
  // a fixed port (options.port) lets a server killed by a test come back at the same address
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await Promise.allSettled([...inFlight]);
    },
  };
}
