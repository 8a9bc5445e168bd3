import { describe, expect, it } from "vitest";
import { GET, POST } from "./route";

describe("/api/javascript-required", () => {
  it("answers a form the browser posted by itself with 405 and a page that says JavaScript is needed, echoing nothing", async () => {
    const body = new URLSearchParams({ email: "owner@example.test", password: "the secret passphrase" }).toString();
    const response = await POST(
      new Request("http://localhost:3000/api/javascript-required", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body,
      }),
    );
    expect(response.status).toBe(405);
    expect(response.headers.get("content-type")).toMatch(/text\/html/);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const page = await response.text();
    expect(page).toMatch(/This form needs JavaScript/);
    expect(page).not.toContain("secret passphrase");
  });

  it("explains the same on GET", async () => {
    const response = await GET();
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/needs JavaScript/);
  });
});
