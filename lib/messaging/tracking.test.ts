import { afterAll, describe, expect, it } from "vitest";
import { messageLinks, PIXEL_GIF, publicBaseUrl, signLink, trackEmailHtml, verifyLink } from "./tracking";

const ID = "0b8f7a3c-5d2e-4f61-9a7b-1c2d3e4f5a6b";
const OTHER = "1c9e8b4d-6e3f-4a72-8b8c-2d3e4f5a6b7c";
const BASE = "https://cairn.example";

const saved = { key: process.env.CAIRN_ENCRYPTION_KEY, url: process.env.CAIRN_PUBLIC_URL };
// set before the describe blocks run: some build their links at collection time
process.env.CAIRN_ENCRYPTION_KEY = "tracking-unit-test-key";
afterAll(() => {
  process.env.CAIRN_ENCRYPTION_KEY = saved.key;
  if (saved.url === undefined) delete process.env.CAIRN_PUBLIC_URL;
  else process.env.CAIRN_PUBLIC_URL = saved.url;
});

/** Changes one character of the signature (the part after the last dot). */
function tamper(token: string): string {
  const last = token.at(-1)!;
  return token.slice(0, -1) + (last === "A" ? "B" : "A");
}

describe("signLink / verifyLink", () => {
  it("a token verifies for its own kind, message and target, and names the message", () => {
    for (const kind of ["open", "unsubscribe", "preferences"] as const) {
      const token = signLink(kind, ID);
      expect(token).toMatch(new RegExp(`^${ID}\\.[A-Za-z0-9_-]{22}$`));
      expect(verifyLink(kind, token)).toBe(ID);
    }
    const click = signLink("click", ID, "https://shop.example/a?b=1");
    expect(verifyLink("click", click, "https://shop.example/a?b=1")).toBe(ID);
    // deterministic: the same inputs sign the same
    expect(signLink("open", ID)).toBe(signLink("open", ID));
    expect(signLink("open", ID)).not.toBe(signLink("open", OTHER));
  });

  it("a forged signature is refused", () => {
    const token = signLink("unsubscribe", ID);
    expect(verifyLink("unsubscribe", tamper(token))).toBeNull();
    // the signature of another message does not carry over
    expect(verifyLink("unsubscribe", `${OTHER}.${token.split(".")[1]}`)).toBeNull();
    // a signature made with another key is refused
    const otherKey = process.env.CAIRN_ENCRYPTION_KEY;
    process.env.CAIRN_ENCRYPTION_KEY = "someone-elses-key";
    const foreign = signLink("unsubscribe", ID);
    process.env.CAIRN_ENCRYPTION_KEY = otherKey;
    expect(foreign).not.toBe(token);
    expect(verifyLink("unsubscribe", foreign)).toBeNull();
  });

  it("a token of another kind is refused", () => {
    const open = signLink("open", ID);
    expect(verifyLink("unsubscribe", open)).toBeNull();
    expect(verifyLink("preferences", open)).toBeNull();
    expect(verifyLink("click", open)).toBeNull();
    expect(verifyLink("open", signLink("preferences", ID))).toBeNull();
  });

  it("a click token replayed with another URL is refused", () => {
    const token = signLink("click", ID, "https://shop.example/sale");
    expect(verifyLink("click", token, "https://evil.example/sale")).toBeNull();
    expect(verifyLink("click", token, "https://shop.example/sale?x=1")).toBeNull();
    expect(verifyLink("click", token, "")).toBeNull();
  });

  it("malformed tokens are refused without throwing", () => {
    const valid = signLink("open", ID);
    for (const token of [
      "",
      ".",
      "abc",
      ID,
      `${ID}.`,
      `not-a-uuid.${valid.split(".")[1]}`,
      `${valid}x`,
      valid.slice(0, -1),
      `${valid}.${valid}`,
      `${ID}.é${valid.split(".")[1].slice(1)}`,
    ]) {
      expect(verifyLink("open", token), token).toBeNull();
    }
  });

  it("refuses to sign without CAIRN_ENCRYPTION_KEY", () => {
    const key = process.env.CAIRN_ENCRYPTION_KEY;
    delete process.env.CAIRN_ENCRYPTION_KEY;
    try {
      expect(() => signLink("open", ID)).toThrow("CAIRN_ENCRYPTION_KEY is not set.");
    } finally {
      process.env.CAIRN_ENCRYPTION_KEY = key;
    }
  });
});

describe("messageLinks", () => {
  it("builds every link of a message on the public base URL", () => {
    process.env.CAIRN_PUBLIC_URL = "https://cairn.example//";
    expect(publicBaseUrl()).toBe(BASE);
    const links = messageLinks(ID);
    expect(links.open).toBe(`${BASE}/t/o/${signLink("open", ID)}`);
    expect(links.unsubscribe).toBe(`${BASE}/u/${signLink("unsubscribe", ID)}`);
    expect(links.oneClickUnsubscribe).toBe(`${BASE}/api/v1/unsubscribe/${signLink("unsubscribe", ID)}`);
    expect(links.preferences).toBe(`${BASE}/preferences/${signLink("preferences", ID)}`);
    expect(links.click("https://shop.example/a?b=1&c=2")).toBe(
      `${BASE}/t/c/${signLink("click", ID, "https://shop.example/a?b=1&c=2")}?u=https%3A%2F%2Fshop.example%2Fa%3Fb%3D1%26c%3D2`,
    );
  });
});

describe("trackEmailHtml", () => {
  const links = messageLinks(ID, BASE);
  const pixel = `<img src="${links.open}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0" />`;

  it("rewrites http(s) links to signed click redirects, decoding &amp; in the href", () => {
    const html = `<body><p><a href="https://shop.example/new?a=1&amp;b=2">new</a> <a class="btn" href='http://shop.example/old'>old</a> <A HREF="HTTPS://Shop.example/Caps">caps</A></p></body>`;
    const tracked = trackEmailHtml(html, links);
    const click = (url: string) => links.click(url).replace(/&/g, "&amp;");
    expect(tracked).toBe(
      `<body><p><a href="${click("https://shop.example/new?a=1&b=2")}">new</a> <a class="btn" href='${click("http://shop.example/old")}'>old</a> <A HREF="${click("HTTPS://Shop.example/Caps")}">caps</A></p>${pixel}</body>`,
    );
    // the signature covers the decoded URL, the one the browser will send back in ?u=
    const href = /href="([^"]+)"/.exec(tracked)![1].replace(/&amp;/g, "&");
    const url = new URL(href);
    const token = url.pathname.split("/").at(-1)!;
    expect(url.searchParams.get("u")).toBe("https://shop.example/new?a=1&b=2");
    expect(verifyLink("click", token, url.searchParams.get("u")!)).toBe(ID);
  });

  it("leaves mailto:, tel:, #anchors, relative links and the message's unsubscribe and preference links alone", () => {
    const body = `<p><a href="mailto:help@shop.example?subject=Hi&amp;body=x">mail</a> <a href="tel:+15551234567">call</a> <a href="#top">top</a> <a href="/relative">rel</a> <a href="${links.unsubscribe}">Unsubscribe</a> <a href="${links.preferences}">Preferences</a> <a name="anchor">no href</a></p>`;
    expect(trackEmailHtml(`<html><body>${body}</body></html>`, links)).toBe(
      `<html><body>${body}${pixel}</body></html>`,
    );
  });

  it("adds the open pixel before </body>, or at the end when there is no body tag", () => {
    expect(trackEmailHtml("<p>Hi</p>", links)).toBe(`<p>Hi</p>${pixel}`);
    expect(trackEmailHtml("<BODY><p>Hi</p></BODY>", links)).toBe(`<BODY><p>Hi</p>${pixel}</BODY>`);
  });

  it("the pixel is a 1×1 GIF", () => {
    expect(PIXEL_GIF.subarray(0, 6).toString("ascii")).toBe("GIF89a");
    expect(PIXEL_GIF.readUInt16LE(6)).toBe(1);
    expect(PIXEL_GIF.readUInt16LE(8)).toBe(1);
  });
});
