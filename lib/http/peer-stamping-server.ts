import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { appendPeerAddress } from "../auth/client-address";

/**
 * The node:http server Cairn's web server (scripts/web-server.ts) runs Next.js in: before `handle` sees a
 * request, the socket's peer address is appended to `x-forwarded-for`, exactly as a proxy does, so the
 * right-most entry is always the address that connected, whatever the client wrote
 * (lib/auth/client-address.ts reads it under CAIRN_TRUSTED_PROXIES).
 */
export function createPeerStampingServer(
  handle: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>,
): Server {
  return createServer((req, res) => {
    req.headers["x-forwarded-for"] = appendPeerAddress(req.headers["x-forwarded-for"], req.socket.remoteAddress);
    void handle(req, res);
  });
}
