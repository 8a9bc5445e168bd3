import { createHmac } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { createFullKey, createWriteKey, OWNER, screenshot, signIn, workspaceSlugOf } from "./helpers";

const run = Date.now().toString(36);
const USER_ID = `browser-${run}`;
const UMD_DIR = path.join(process.cwd(), "node_modules/@segment/analytics-next/dist/umd");

/**
 * A customer's website on another origin (127.0.0.1 on a port of its own; Cairn is on localhost): a page that
 * loads Segment's own browser build from node_modules, unmodified, and the bundles it may load lazily.
 */
async function startWebsite(): Promise<{ origin: string; server: Server }> {
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    if (url.pathname === "/") {
      response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      response.end(
        `<!doctype html><html><head><title>Shop</title><script src="/analytics-next.js"></script></head><body><h1>Pricing</h1></body></html>`,
      );
      return;
    }
    const file = url.pathname === "/analytics-next.js" ? "index.js" : path.basename(url.pathname);
    try {
      const body = await readFile(path.join(UMD_DIR, file));
      response.writeHead(200, { "Content-Type": "text/javascript" });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

test("a website on another origin sends page, identify and track with @segment/analytics-next, unmodified", async ({
  page,
  browser,
  baseURL,
}) => {
  const website = await startWebsite();
  try {
    await signIn(page, OWNER.email, OWNER.password);
    const slug = workspaceSlugOf(page);
    const fullKey = await createFullKey(page, slug, `Reader ${run}`);
    const writeKey = await createWriteKey(page, slug, `Website ${run}`);
    const serverOnlyKey = await createWriteKey(page, slug, `Backend ${run}`);

    // The admin allows the website's origin on the write key (a path is refused, naming the line).
    const row = page.getByTestId(`api-key-Website ${run}`);
    await row.getByRole("button", { name: "Edit origins" }).click();
    const origins = row.getByLabel(/Allowed origins/);
    await origins.fill(`${website.origin}/shop`);
    await row.getByRole("button", { name: "Save origins" }).click();
    await expect(row.getByRole("alert")).toContainText("Origin 1: must be an origin");
    await origins.fill(website.origin);
    await row.getByRole("button", { name: "Save origins" }).click();
    await expect(page.getByTestId(`api-key-origins-Website ${run}`)).toHaveText(website.origin);
    await expect(page.getByTestId(`api-key-origins-Backend ${run}`)).toHaveText("Servers only");
    await expect(page.getByTestId("browser-snippet")).toContainText(`cdnURL: "${baseURL}/api"`);
    await screenshot(page, "api-keys-browser-origins");

    // The workspace requires verified identify calls from browsers: the library must carry context.userHash.
    expect(
      (
        await page.request.patch(`/api/workspaces/${slug}/identity-verification`, {
          data: { requireVerifiedIdentify: true },
        })
      ).status(),
    ).toBe(200);
    const { secret } = await (await page.request.get(`/api/workspaces/${slug}/identity-verification`)).json();
    const userHash = createHmac("sha256", secret).update(USER_ID).digest("hex");

    try {
      const visitorContext = await browser.newContext();
      const visitor = await visitorContext.newPage();
      const cairnRequests: { method: string; url: string; contentType: string | null }[] = [];
      // on the response, not requestfinished: the library never reads the answers' bodies, so they never "finish"
      visitor.on("response", (response) => {
        const r = response.request();
        if (r.url().startsWith(baseURL!))
          cairnRequests.push({ method: r.method(), url: r.url(), contentType: r.headers()["content-type"] ?? null });
      });
      // anything the page could not load (the library must need nothing from Segment's servers)
      const failedRequests: string[] = [];
      visitor.on("requestfailed", (r) => failedRequests.push(`${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
      await visitor.goto(website.origin);
      const delivered = await visitor.evaluate(
        async ({ writeKey, cdnURL, userId, userHash }) => {
          // the library's own global from its UMD build
          const { AnalyticsBrowser } = (
            window as unknown as { AnalyticsNext: typeof import("@segment/analytics-next") }
          ).AnalyticsNext;
          const [analytics] = await AnalyticsBrowser.load({ writeKey, cdnURL });
          const failures: string[] = [];
          analytics.on("error", (error) => failures.push(String((error as { reason?: unknown }).reason)));
          const contexts = [
            await analytics.page("Pricing", { plan: "pro" }),
            await analytics.identify(userId, { email: `${userId}@example.com` }, { context: { userHash } }),
            await analytics.track("Plan Chosen", { plan: "pro" }),
          ];
          return { failures, failed: contexts.map((ctx) => ctx.failedDelivery()?.reason ?? null).map(String) };
        },
        { writeKey, cdnURL: `${baseURL}/api`, userId: USER_ID, userHash },
      );
      expect(delivered).toEqual({ failures: [], failed: ["null", "null", "null"] });

      // What went over the wire: the settings document, then the short endpoints as text/plain (after a preflight).
      const posts = () => cairnRequests.filter((r) => r.method === "POST");
      await expect.poll(() => posts().length).toBe(3);
      expect(cairnRequests[0]).toMatchObject({ method: "GET", url: `${baseURL}/api/v1/projects/${writeKey}/settings` });
      expect(
        posts()
          .map((r) => new URL(r.url).pathname)
          .sort(),
      ).toEqual(["/api/v1/i", "/api/v1/p", "/api/v1/t"]);
      for (const p of posts()) expect(p.contentType).toBe("text/plain");
      expect(failedRequests).toEqual([]);

      // A page cannot use a key that does not list its origin: Cairn answers 403 without CORS headers, so the browser blocks it.
      const blocked = await visitor.evaluate(
        async ({ url, key }) => {
          try {
            await fetch(url, {
              method: "POST",
              headers: { "Content-Type": "text/plain" },
              body: JSON.stringify({ type: "track", event: "Sneaky", anonymousId: "x", writeKey: key }),
            });
            return "readable";
          } catch (error) {
            return (error as Error).name;
          }
        },
        { url: `${baseURL}/api/v1/t`, key: serverOnlyKey },
      );
      expect(blocked).toBe("TypeError");
      await visitorContext.close();
    } finally {
      await page.request.patch(`/api/workspaces/${slug}/identity-verification`, {
        data: { requireVerifiedIdentify: false },
      });
    }

    // Cairn has the three calls on one person (the anonymous page view joined by the identify).
    const eventsOfUser = async () => {
      const answer = await page.request.get(`/api/v1/profiles/${encodeURIComponent(USER_ID)}/events`, {
        headers: { Authorization: `Bearer ${fullKey}` },
      });
      return answer.status() === 200 ? ((await answer.json()).events as { type: string; name: string | null }[]) : [];
    };
    await expect
      .poll(async () => (await eventsOfUser()).map((e) => e.type).sort())
      .toEqual(["identify", "page", "track"]);
    const list = await eventsOfUser();
    expect(list.find((e) => e.type === "track")?.name).toBe("Plan Chosen");
    const profile = await (
      await page.request.get(`/api/v1/profiles/${encodeURIComponent(USER_ID)}`, {
        headers: { Authorization: `Bearer ${fullKey}` },
      })
    ).json();
    expect(JSON.stringify(profile)).toContain(`${USER_ID}@example.com`);
    // and nothing from the key the page was not allowed to use
    const sneaky = await page.request.get(`/api/v1/profiles/x/events`, {
      headers: { Authorization: `Bearer ${fullKey}` },
    });
    if (sneaky.status() === 200) expect(JSON.stringify(await sneaky.json())).not.toContain("Sneaky");
  } finally {
    await new Promise((resolve) => website.server.close(resolve));
  }
});
