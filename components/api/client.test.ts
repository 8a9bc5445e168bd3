import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ApiError, createApiClient } from "./client";
import { NETWORK_FAILURE_MESSAGE } from "./request";

/** What the server saw of one request. */
interface Seen {
  method: string;
  url: string;
  contentType: string | undefined;
  body: string;
}

let server: Server;
let origin: string;
let seen: Seen[] = [];
/** The answer the next request gets. */
let answer: (response: ServerResponse) => void;

const json = (status: number, body: unknown) => (response: ServerResponse) => {
  response.writeHead(status, { "Content-Type": "application/json" });
  response.end(JSON.stringify(body));
};

beforeAll(async () => {
  server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let body = "";
    request.on("data", (chunk) => {
      body += chunk;
    });
    request.on("end", () => {
      seen.push({
        method: request.method ?? "",
        url: request.url ?? "",
        contentType: request.headers["content-type"],
        body,
      });
      answer(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen = [];
  answer = json(200, { ok: true });
});

describe("the API client", () => {
  it("builds each operation's URL under /api, one encoded segment per value", async () => {
    const api = createApiClient(origin);
    await api.segments.archive("acme", "seg 1/2");
    await api.journeys.publish("acme", "j1");
    await api.experiments.evaluate("acme", "j1", "split-a");
    await api.account.acceptInvitation("tok/en?");
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      "POST /api/workspaces/acme/segments/seg%201%2F2/archive",
      "POST /api/workspaces/acme/journeys/j1/publish",
      "POST /api/workspaces/acme/journeys/j1/experiments/split-a/evaluate",
      "POST /api/invitations/tok%2Fen%3F",
    ]);
  });

  it("adds the query string, leaving out values that are not given", async () => {
    const api = createApiClient(origin);
    await api.events.recent("acme", { limit: 50, after: undefined });
    await api.templates.list("acme", { channel: "email", archived: true });
    await api.templates.previewProfiles("acme", "ada lovelace&co");
    expect(seen.map((s) => s.url)).toEqual([
      "/api/workspaces/acme/events/recent?limit=50",
      "/api/workspaces/acme/templates?channel=email&archived=true",
      "/api/workspaces/acme/templates/preview?q=ada+lovelace%26co",
    ]);
  });

  it("sends the body as JSON, and no body or content type when there is none", async () => {
    const api = createApiClient(origin);
    await api.segments.create("acme", { name: "Buyers", kind: "manual" });
    await api.journeys.pause("acme", "j1");
    expect(seen[0]).toMatchObject({
      method: "POST",
      contentType: "application/json",
      body: '{"name":"Buyers","kind":"manual"}',
    });
    expect(seen[1]).toMatchObject({ method: "POST", contentType: undefined, body: "" });
  });

  it("answers the parsed JSON on success, and null for an empty answer", async () => {
    const api = createApiClient(origin);
    answer = json(201, { id: "seg_1", name: "Buyers" });
    expect(await api.segments.create("acme", { name: "Buyers" })).toEqual({
      ok: true,
      data: { id: "seg_1", name: "Buyers" },
    });
    answer = (response) => response.writeHead(204).end();
    expect(await api.workspace.removeMember("acme", "m1")).toEqual({ ok: true, data: null });
  });

  it("turns Cairn's error answer into an ApiError naming each field once", async () => {
    const api = createApiClient(origin);
    answer = json(422, {
      error: {
        code: "validation",
        message: "name: is required; name: too short",
        fields: [
          { path: "name", message: "is required" },
          { path: "name", message: "too short" },
          { path: "definition.conditions.0.value", message: "must be a number" },
        ],
      },
    });
    const result = await api.segments.create("acme", { name: "" });
    if (result.ok) throw new Error("expected a failure");
    expect(result.error).toBeInstanceOf(ApiError);
    expect(result.error).toMatchObject({
      status: 422,
      code: "validation",
      message: "name: is required; name: too short",
      fields: { name: "is required", "definition.conditions.0.value": "must be a number" },
      hasFields: true,
    });
  });

  it("keeps the server's message for an error without fields", async () => {
    const api = createApiClient(origin);
    answer = json(409, { error: { code: "conflict", message: "A live journey starts from this segment." } });
    const result = await api.segments.archive("acme", "seg_1");
    expect(result.ok ? null : result.error).toMatchObject({
      status: 409,
      code: "conflict",
      message: "A live journey starts from this segment.",
      fields: {},
      hasFields: false,
    });
  });

  it("names the status when the answer is not Cairn's JSON (a proxy's error page)", async () => {
    const api = createApiClient(origin);
    answer = (response) => {
      response.writeHead(502, { "Content-Type": "text/html" });
      response.end("<html><body>Bad gateway</body></html>");
    };
    const result = await api.templates.usage("acme", "t1");
    expect(result.ok ? null : result.error).toMatchObject({
      status: 502,
      code: "unexpected_response",
      message: "The server answered 502.",
      fields: {},
    });
  });

  it("reports a server that cannot be reached as a network error with status 0", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = await createApiClient(`http://127.0.0.1:${port}`).journeys.stats("acme", "j1");
    expect(result.ok ? null : result.error).toMatchObject({
      status: 0,
      code: "network",
      message: NETWORK_FAILURE_MESSAGE,
    });
  });

  it("reports a request the caller cancelled as aborted", async () => {
    const api = createApiClient(origin);
    answer = (response) => setTimeout(() => json(200, {})(response), 1_000);
    const controller = new AbortController();
    const pending = api.segments.estimate("acme", { definition: {} }, { signal: controller.signal });
    controller.abort();
    const result = await pending;
    expect(result.ok ? null : result.error).toMatchObject({ status: 0, code: "aborted" });
  });
});
