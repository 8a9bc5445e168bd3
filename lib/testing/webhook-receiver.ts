import { afterAll, beforeAll, beforeEach } from "vitest";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export interface WebhookReceiver {
  /** http://127.0.0.1:<port> */
  url: string;
  /** every request, in the order it arrived */
  received: ReceivedRequest[];
  /** statuses to answer with (alone, or with headers such as Retry-After), one per request, before going back to 200 */
  statuses: (number | { status: number; headers: Record<string, string> })[];
  close(): Promise<void>;
}

/**
 * A real HTTP server standing in for a customer's webhook endpoint (the network edge journeys call): it
 * records each request as received and answers `{"ok": true|false}` with the next queued status, else 200.
 */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedRequest[] = [];
  const statuses: WebhookReceiver["statuses"] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ url: req.url ?? "", headers: req.headers, body });
      const answer = statuses.shift() ?? 200;
      res.statusCode = typeof answer === "number" ? answer : answer.status;
      if (typeof answer !== "number")
        for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
      res.end(JSON.stringify({ ok: res.statusCode < 400 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    statuses,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * For the test file that calls it: a receiver running for all its tests and closed afterwards. The handle is
 * filled in before the first test runs.
 */
export function withWebhookReceiver(): WebhookReceiver {
  const handle: WebhookReceiver = { url: "", received: [], statuses: [], close: async () => {} };
  beforeAll(async () => {
    Object.assign(handle, await startWebhookReceiver());
  });
  // a status one test queued and never used (or a late request of an earlier test, arriving after its client
  // gave up on a loaded machine) must not answer the next test's request
  beforeEach(() => {
    handle.statuses.length = 0;
  });
  afterAll(() => handle.close());
  return handle;
}
