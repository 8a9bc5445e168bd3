import type { NextRequest } from "next/server";
import { serve } from "inngest/next";
import { inngest } from "@/lib/jobs";
import { functions } from "@/inngest/functions";
import { serveTarget } from "@/inngest/serve-target";

// The Inngest SDK copies its settings out of `process.env` with Object.entries on every request, several
// times, and Node's process.env is a slow exotic object: bench:engine's CPU profile put 15% of the server's
// time there. A plain copy reads the same values (and stays writable) at a fraction of the cost.
if (!Object.prototype.hasOwnProperty.call(globalThis, "cairnPlainEnv")) {
  process.env = { ...process.env };
  Object.defineProperty(globalThis, "cairnPlainEnv", { value: true });
}

type Handler = (request: NextRequest, context: unknown) => Promise<Response>;
type Handlers = Record<"GET" | "POST" | "PUT", Handler>;

/**
 * The serve handler for the configured origin (serveTarget): a sync registers that URL whatever the
 * request's Host or X-Forwarded-Host says. Built on first use, and again only if the configuration changed
 * (tests set it after importing this module).
 */
const handlers = new Map<string, Handlers>();
function handlersFor(target: ReturnType<typeof serveTarget>): Handlers {
  const key = target ? `${target.serveOrigin}${target.servePath}` : "";
  let found = handlers.get(key);
  if (!found) {
    found = serve({ client: inngest, functions, ...(target ?? {}) }) as unknown as Handlers;
    handlers.set(key, found);
  }
  return found;
}

/** The Inngest serve endpoint: Inngest (cloud, self-hosted, or the embedded executor) registers and runs Cairn's functions here. */
export const GET: Handler = (request, context) => handlersFor(serveTarget()).GET(request, context);
export const POST: Handler = (request, context) => handlersFor(serveTarget()).POST(request, context);
export const PUT: Handler = (request, context) => {
  const target = serveTarget();
  // Without a configured origin the SDK would register whatever Host the request names: refuse instead.
  if (!target) {
    return Promise.resolve(
      Response.json(
        {
          message:
            "Cannot sync: set INNGEST_SERVE_ORIGIN (or NEXTAUTH_URL) to the origin Inngest should call this app at.",
          modified: false,
        },
        { status: 503 },
      ),
    );
  }
  return handlersFor(target).PUT(request, context);
};
