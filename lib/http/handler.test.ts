import { describe, expect, it, vi } from "vitest";
import { AppError } from "../errors";
import { errorResponse, readJson, route, withWorkspace } from "./handler";

const post = (body: string, headers: Record<string, string> = {}) =>
  new Request("http://localhost/x", { method: "POST", body, headers });

describe("the HTTP boundary", () => {
  it("runs a route without dynamic segments, which Next calls with no params", async () => {
    const handler = withWorkspace({ permission: "workspace:read" }, async () => ({ ok: true }));
    const context = { params: undefined } as unknown as { params: Promise<{ slug?: string }> };
    const response = await handler(new Request("http://localhost/api/v1/segments"), context);
    expect(response.status).toBe(401);
    expect((await response.json()).error.message).toMatch(/Missing API key/);
  });

  it("answers malformed JSON with 400 and the parser's reason", async () => {
    const handler = route(async (request) => readJson(request));
    const response = await handler(post("{nope"), { params: Promise.resolve({}) });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatchObject({
      code: "invalid_json",
      message: expect.stringMatching(/not valid JSON/),
    });
  });

  it("answers an empty body with 400", async () => {
    await expect(readJson(post(""))).rejects.toMatchObject({ code: "invalid_json" });
  });

  it("refuses bodies over the limit with 413 before parsing", async () => {
    await expect(readJson(post("[" + "1,".repeat(100) + "1]"), 50)).rejects.toMatchObject({
      code: "payload_too_large",
    });
  });

  it("maps validation errors to 422 with every field", async () => {
    const response = errorResponse(
      AppError.validation([
        { path: "email", message: "bad" },
        { path: "role", message: "worse" },
      ]),
    );
    expect(response.status).toBe(422);
    expect((await response.json()).error.fields).toEqual([
      { path: "email", message: "bad" },
      { path: "role", message: "worse" },
    ]);
  });

  it.each([
    ["unauthenticated", 401],
    ["forbidden", 403],
    ["not_found", 404],
    ["conflict", 409],
    ["rate_limited", 429],
  ] as const)("maps %s to %i", (code, status) => {
    expect(errorResponse(new AppError(code, "m")).status).toBe(status);
  });

  it("adds Retry-After to rate-limited answers", () => {
    expect(errorResponse(new AppError("rate_limited", "m", { retryAfterSeconds: 90 })).headers.get("retry-after")).toBe(
      "90",
    );
  });

  it("hides unexpected errors behind a logged reference id", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const response = errorResponse(new Error("secret internals at db.ts:42"));
    const body = await response.json();
    expect(response.status).toBe(500);
    expect(body.error.message).not.toContain("secret internals");
    expect(body.error.message).toContain(body.error.id);
    expect(log).toHaveBeenCalledWith(expect.stringContaining(body.error.id), expect.any(Error));
    log.mockRestore();
  });
});
