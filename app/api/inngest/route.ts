import { serve } from "inngest/next";
import { inngest } from "@/inngest/client";
import { functions } from "@/inngest/functions";

// The Inngest SDK copies its settings out of `process.env` with Object.entries on every request, several
// times, and Node's process.env is a slow exotic object: bench:engine's CPU profile put 15% of the server's
// time there. A plain copy reads the same values (and stays writable) at a fraction of the cost.
if (!Object.prototype.hasOwnProperty.call(globalThis, "cairnPlainEnv")) {
  process.env = { ...process.env };
  Object.defineProperty(globalThis, "cairnPlainEnv", { value: true });
}

/** The Inngest serve endpoint: Inngest (cloud, self-hosted, or the embedded executor) registers and runs Cairn's functions here. */
export const { GET, POST, PUT } = serve({ client: inngest, functions });
