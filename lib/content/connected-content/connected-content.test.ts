import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { renderTemplate, SAMPLE_SCOPE } from "../../messaging/liquid";
import { allowLoopbackOutbound } from "../../testing/outbound-allow";
import { prepareRender } from "../prepare-render";
import { clearConnectedCache, fetchConnected, redactedUrl } from "./fetch-connected";
import { connectedTags, parseConnectedArgs } from "./syntax";

allowLoopbackOutbound();

let server: http.Server;
let base: string;
const hits: string[] = [];
let lastCookie: string | undefined;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits.push(req.url!);
    lastCookie = req.headers.cookie ?? req.headers.authorization;
    const path = req.url!.split("?")[0];
    if (path === "/weather") {
      res.setHeader("content-type", "application/json");
      const city = new URL(req.url!, "http://x").searchParams.get("city");
      res.end(JSON.stringify({ city, temp: 21 }));
    } else if (path === "/slow") setTimeout(() => res.end("{}"), 3_000).unref();
    else if (path === "/error") {
      res.statusCode = 500;
      res.end('{"error":"down"}');
    } else if (path === "/html") res.end("<html>nope</html>");
    else if (path === "/big") res.end(JSON.stringify({ pad: "x".repeat(300 * 1024) }));
    else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  clearConnectedCache();
  hits.length = 0;
});

const NOW = new Date("2026-03-01T10:00:00Z");
const scope = { ...SAMPLE_SCOPE, profile: { ...SAMPLE_SCOPE.profile, traits: { city: "Zürich & Co" } } };
const sms = (body: string) => ({ body });
const prepare = (body: string, now = NOW) =>
  prepareRender({
    workspaceId: "w1",
    profileId: null,
    traits: scope.profile.traits,
    channel: "sms",
    content: sms(body),
    scope,
    assets: {},
    now,
  });

describe("connected_content syntax", () => {
  it("reads the URL, the name and the options", () => {
    expect(
      parseConnectedArgs(' "https://a.test/x?c={{ profile.traits.city }}" as w timeout: 3 cache: 60 required'),
    ).toEqual({
      ok: true,
      spec: {
        url: "https://a.test/x?c={{ profile.traits.city }}",
        name: "w",
        timeoutMs: 3000,
        cacheSeconds: 60,
        required: true,
      },
    });
    expect(parseConnectedArgs("'https://a.test' as w")).toMatchObject({
      ok: true,
      spec: { timeoutMs: 2000, cacheSeconds: 300, required: false },
    });
  });
  it("refuses what it cannot honour, naming why", () => {
    expect(parseConnectedArgs('"https://a.test"')).toMatchObject({ ok: false });
    expect(parseConnectedArgs('"ftp://a.test" as w')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/https/),
    });
    expect(parseConnectedArgs('"https://a.test" as w timeout: 60')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/1 to 10/),
    });
    expect(parseConnectedArgs('"https://a.test" as w cache: -1')).toMatchObject({ ok: false });
    expect(parseConnectedArgs('"https://a.test" as w retries: 3')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/unknown option/),
    });
  });
  it("a template with a broken tag does not parse (the save names the field)", () => {
    const r = renderTemplate("sms", sms('{% connected_content "https://a.test" %}'), scope);
    expect(r.errors[0].message).toMatch(/connected_content/);
  });
  it("finds the tags of the sources, once each", () => {
    const tag = '{% connected_content "https://a.test" as w %}';
    expect(connectedTags([tag, `x ${tag}`, "no tags"])).toHaveLength(1);
  });
  it("the trace never shows query values or credentials", () => {
    expect(redactedUrl("https://user:secret@api.test/w?key=abc&city=x")).toBe("https://api.test/w?key=…&city=…");
  });
});

describe("connected_content before the render", () => {
  it("fetches with the scope's values encoded, puts the JSON in the scope, and the render reads it", async () => {
    const body = `{% connected_content "${base}/weather?city={{ profile.traits.city }}" as weather %}{{ weather.city }}: {{ weather.temp }}°`;
    const prepared = await prepare(body);
    expect(prepared.stop).toBeUndefined();
    expect(renderTemplate("sms", prepared.content, prepared.scope).fields.body).toBe("Zürich & Co: 21°");
    expect(hits).toEqual([`/weather?city=Z%C3%BCrich%20%26%20Co`]);
    expect(lastCookie).toBeUndefined();
    expect(prepared.trace?.connectedContent).toEqual([
      {
        name: "weather",
        url: `${base}/weather?city=…`,
        status: 200,
        ms: expect.any(Number),
        cacheHit: false,
        ok: true,
      },
    ]);
  });

  it("answers from the cache for its seconds, then fetches again", async () => {
    const body = `{% connected_content "${base}/weather?city=a" as w cache: 60 %}{{ w.temp }}`;
    await prepare(body);
    const again = await prepare(body, new Date(NOW.getTime() + 59_000));
    expect(again.trace?.connectedContent?.[0]).toMatchObject({ cacheHit: true, ok: true });
    expect(renderTemplate("sms", again.content, again.scope).fields.body).toBe("21");
    expect(hits).toHaveLength(1);
    await prepare(body, new Date(NOW.getTime() + 61_000));
    expect(hits).toHaveLength(2);
    // cache: 0 fetches every time
    const uncached = `{% connected_content "${base}/weather?city=b" as w cache: 0 %}{{ w.temp }}`;
    await prepare(uncached);
    await prepare(uncached);
    expect(hits).toHaveLength(4);
  });

  it.each([
    ["/error", /answered 500/],
    ["/html", /not JSON/],
    ["/big", /larger than 256 KB/],
    ["/slow", /No answer within 1000 ms/],
  ])("%s: the variable is nil and the message renders without it; with `required` it stops", async (path, error) => {
    const optional = await prepare(
      `{% connected_content "${base}${path}" as x timeout: 1 %}{% if x %}got it{% else %}without{% endif %}`,
    );
    expect(optional.stop).toBeUndefined();
    expect(optional.trace?.connectedContent?.[0]).toMatchObject({ ok: false, error: expect.stringMatching(error) });
    expect(renderTemplate("sms", optional.content, optional.scope).fields.body).toBe("without");
    const required = await prepare(`{% connected_content "${base}${path}" as x timeout: 1 required %}{{ x }}`);
    expect(required.stop).toMatch(/Connected content "x" is required and failed/);
  });

  it("loopback is refused unless the operator allows it", async () => {
    const saved = process.env.CAIRN_OUTBOUND_ALLOW;
    process.env.CAIRN_OUTBOUND_ALLOW = "";
    try {
      const r = await fetchConnected(
        "w1",
        [{ url: `${base}/weather`, name: "w", timeoutMs: 1000, cacheSeconds: 0, required: true }],
        scope,
        NOW,
      );
      expect(r.traces[0]).toMatchObject({ ok: false, error: expect.stringMatching(/^refused: .*loopback/) });
      expect(r.stop).toBeDefined();
      expect(hits).toEqual([]);
    } finally {
      process.env.CAIRN_OUTBOUND_ALLOW = saved;
    }
  });

  it("a template without the tag fetches nothing and keeps no trace", async () => {
    const prepared = await prepare("Hi {{ profile.traits.city }}");
    expect(prepared.trace).toBeNull();
    expect(hits).toEqual([]);
  });
});
