import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { EventPayloadError, parseEvents } from "./event-payload";
import { parseRegistration, RegistrationError, RegistrationRefused, type AppRegistration } from "./registration";
import type { IntakeResult } from "./store/intake-store";

/**
 * The executor's HTTP API, the subset of Inngest's that the SDK calls:
 *   POST /e/:eventKey   the event API (one event or an array) → {ids, status: 200}
 *   POST /fn/register   function registration, sent by the SDK when its serve endpoint gets a PUT
 *   GET  /health
 */
export interface HttpApi {
  now: () => number;
  /** When set, /e/ requires this key (as Inngest Cloud does); dev-mode SDKs send a dummy key. */
  eventKey?: string;
  /** When set, /fn/register requires the SDK's `Authorization: Bearer <hashed signing key>`. */
  signingKey?: string;
  intake: (events: ReturnType<typeof parseEvents>) => Promise<IntakeResult>;
  register: (registration: AppRegistration) => Promise<void>;
  health: () => Record<string, unknown>;
  log: (line: string) => void;
}

const MAX_BODY_BYTES = 32 * 1024 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, `The body is larger than ${MAX_BODY_BYTES} bytes`));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/** The SDK's hashed signing key: the key's prefix + sha256 of the hex-decoded rest. */
export function hashSigningKey(signingKey: string): string {
  const prefix = /^signkey-[\w]+-/.exec(signingKey)?.[0] ?? "";
  return (
    prefix +
    createHash("sha256")
      .update(Buffer.from(signingKey.slice(prefix.length), "hex"))
      .digest("hex")
  );
}

async function route(api: HttpApi, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://executor");
  const eventMatch = /^\/e\/([^/]*)$/.exec(url.pathname);

  if (req.method === "POST" && eventMatch) {
    if (api.eventKey && decodeURIComponent(eventMatch[1]) !== api.eventKey)
      throw new HttpError(401, "Event key not found");
    const seed = req.headers["x-inngest-event-id-seed"];
    const events = parseEvents(await readBody(req), {
      nowMs: api.now(),
      seed: typeof seed === "string" ? seed : undefined,
    });
    await api.intake(events);
    send(res, 200, { ids: events.map((e) => e.internalId), status: 200 });
    return;
  }

  if (req.method === "POST" && url.pathname === "/fn/register") {
    if (api.signingKey && req.headers.authorization !== `Bearer ${hashSigningKey(api.signingKey)}`)
      throw new HttpError(401, "Registration is not signed with this executor's signing key");
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      throw new HttpError(400, "The registration body is not valid JSON");
    }
    const registration = parseRegistration(body);
    await api.register(registration);
    send(res, 200, { ok: true, modified: true });
    return;
  }

  if (req.method === "GET" && url.pathname === "/health") {
    send(res, 200, { status: "ok", ...api.health() });
    return;
  }

  throw new HttpError(404, `No route for ${req.method} ${url.pathname} (this is Cairn's embedded Inngest executor)`);
}

export async function startHttpServer(
  api: HttpApi,
  port: number,
  host: string,
): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer((req, res) => {
    route(api, req, res).catch((error: unknown) => {
      // The SDK reads `status` and `error` from the JSON body (a register reply without `status` counts as 200).
      if (error instanceof RegistrationError) {
        api.log(`rejected a sync: ${error.message}`);
        send(res, 400, { status: 400, error: error.message, ok: false });
      } else if (error instanceof RegistrationRefused) {
        api.log(`refused a sync: ${error.message}`);
        send(res, 403, { status: 403, error: error.message, ok: false });
      } else if (error instanceof EventPayloadError) send(res, 400, { status: 400, error: error.message });
      else if (error instanceof HttpError) send(res, error.status, { status: error.status, error: error.message });
      else {
        api.log(`${req.method} ${req.url} failed: ${(error as Error).stack ?? String(error)}`);
        send(res, 500, { status: 500, error: `Internal error: ${(error as Error).message}` });
      }
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "EADDRINUSE"
          ? new Error(
              `Port ${port} on ${host} is already in use, so the embedded Inngest executor cannot start. Stop whatever uses it, or choose another port with CAIRN_EXECUTOR_PORT=<port>.`,
            )
          : error,
      ),
    );
    server.listen(port, host, () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}
