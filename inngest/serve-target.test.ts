import { describe, expect, it } from "vitest";
import { serveTarget } from "./serve-target";

describe("where the serve endpoint says it lives when it syncs", () => {
  it("comes from INNGEST_SERVE_ORIGIN, else NEXTAUTH_URL's origin, never from a request", () => {
    expect(
      serveTarget({ INNGEST_SERVE_ORIGIN: "http://127.0.0.1:3000", NEXTAUTH_URL: "https://cairn.example.com" }),
    ).toEqual({ serveOrigin: "http://127.0.0.1:3000", servePath: "/api/inngest" });
    expect(serveTarget({ NEXTAUTH_URL: "https://cairn.example.com/api/auth" })).toEqual({
      serveOrigin: "https://cairn.example.com",
      servePath: "/api/inngest",
    });
    expect(
      serveTarget({ NEXTAUTH_URL: "https://cairn.example.com", INNGEST_SERVE_PATH: "/x/api/inngest" })?.servePath,
    ).toBe("/x/api/inngest");
  });

  it("is null (the endpoint refuses to sync) when no origin is configured", () => {
    expect(serveTarget({})).toBeNull();
    expect(serveTarget({ NEXTAUTH_URL: "not a url" })).toBeNull();
  });
});
