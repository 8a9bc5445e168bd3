import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  blockedRange,
  isAllowed,
  literalAddressProblem,
  outboundRequest,
  OutboundBlockedError,
  OutboundTimeoutError,
  parseAllowList,
  resolveOutbound,
  sanitizedReason,
  type Resolver,
} from "./outbound";

/** A real server on 127.0.0.1 that records what reached it. */
async function startServer(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const requests: { url: string; headers: http.IncomingHttpHeaders }[] = [];
  const server = http.createServer((req, res) => {
    requests.push({ url: req.url ?? "", headers: req.headers });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function refusal(promise: Promise<unknown>): Promise<OutboundBlockedError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OutboundBlockedError);
  return error as OutboundBlockedError;
}

const saved = process.env.CAIRN_OUTBOUND_ALLOW;
afterEach(() => {
  if (saved === undefined) delete process.env.CAIRN_OUTBOUND_ALLOW;
  else process.env.CAIRN_OUTBOUND_ALLOW = saved;
});

describe("blockedRange", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["10.0.0.5", "private"],
    ["172.16.3.4", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "a cloud metadata address"],
    ["169.254.1.1", "link-local"],
    ["100.64.0.1", "carrier-grade NAT"],
    ["224.0.0.1", "multicast"],
    ["0.0.0.0", "unspecified"],
    ["255.255.255.255", "broadcast"],
    ["240.0.0.1", "reserved"],
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["fc00::1", "private"],
    ["fd12:3456::1", "private"],
    ["fd00:ec2::254", "a cloud metadata address"],
    ["fe80::1", "link-local"],
    ["ff02::1", "multicast"],
    ["::ffff:127.0.0.1", "loopback (as 127.0.0.1 inside an IPv6 address)"],
    ["::ffff:a00:5", "private (as 10.0.0.5 inside an IPv6 address)"],
    ["::127.0.0.1", "loopback (as 127.0.0.1 inside an IPv6 address)"],
    ["64:ff9b::a9fe:a9fe", "a cloud metadata address (as 169.254.169.254 inside an IPv6 address)"],
    ["64:ff9b::7f00:1", "loopback (as 127.0.0.1 inside an IPv6 address)"],
  ])("%s is %s", (address, why) => {
    expect(blockedRange(address)).toBe(why);
  });

  it.each(["8.8.8.8", "93.184.215.14", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"])(
    "%s is public",
    (address) => {
      expect(blockedRange(address)).toBeNull();
    },
  );
});

describe("the allow list (CAIRN_OUTBOUND_ALLOW)", () => {
  it("takes host:port, ip, ip:port, [ipv6]:port and CIDR, and refuses anything else by name", () => {
    const allow = "smtp.internal:2525, 127.0.0.1:8080, 10.0.0.0/8, ::1, [fd00::5]:443";
    expect(isAllowed({ host: "smtp.internal", address: "10.9.9.9", port: 2525 }, allow)).toBe(true);
    expect(isAllowed({ host: "SMTP.internal.", address: "192.168.0.1", port: 2525 }, allow)).toBe(true);
    expect(isAllowed({ host: "smtp.internal", address: "192.168.0.1", port: 25 }, allow)).toBe(false);
    expect(isAllowed({ host: "a.example", address: "127.0.0.1", port: 8080 }, allow)).toBe(true);
    expect(isAllowed({ host: "a.example", address: "::ffff:127.0.0.1", port: 8080 }, allow)).toBe(true);
    expect(isAllowed({ host: "a.example", address: "127.0.0.1", port: 8081 }, allow)).toBe(false);
    expect(isAllowed({ host: "a.example", address: "10.200.0.1", port: 1 }, allow)).toBe(true);
    expect(isAllowed({ host: "a.example", address: "::1", port: 1 }, allow)).toBe(true);
    expect(isAllowed({ host: "a.example", address: "fd00::5", port: 443 }, allow)).toBe(true);
    expect(isAllowed({ host: "a.example", address: "fd00::5", port: 80 }, allow)).toBe(false);
    expect(isAllowed({ host: "a.example", address: "127.0.0.1", port: 8080 }, "")).toBe(false);
    expect(() => parseAllowList("localhost")).toThrow(/"localhost" is not host:port, ip, ip:port or a CIDR range/);
    expect(() => parseAllowList("10.0.0.0/99")).toThrow(/not a CIDR range/);
  });
});

describe("resolveOutbound", () => {
  it("a name that resolves to a private address is refused, with the address, the name and the setting in the reason", async () => {
    const resolver: Resolver = async (name) => (name === "rebind.test" ? [{ address: "10.0.0.1", family: 4 }] : []);
    const error = await refusal(resolveOutbound("rebind.test", 443, { resolver, allow: "" }));
    expect(error.message).toBe(
      "the address 10.0.0.1 of rebind.test is private; an operator can allow it with CAIRN_OUTBOUND_ALLOW",
    );
    // one private address among public ones is enough to refuse
    const mixed: Resolver = async () => [
      { address: "93.184.215.14", family: 4 },
      { address: "fd00::1", family: 6 },
    ];
    await refusal(resolveOutbound("mixed.test", 443, { resolver: mixed, allow: "" }));
    await expect(
      resolveOutbound("public.test", 443, {
        resolver: async () => [{ address: "93.184.215.14", family: 4 }],
        allow: "",
      }),
    ).resolves.toMatchObject({ address: "93.184.215.14" });
  });

  it("reads odd IPv4 spellings as the address they are", async () => {
    for (const host of ["0x7f.1", "2130706433", "0177.0.0.1", "127.1", "0", "[::ffff:127.0.0.1]", "::ffff:7f00:1"]) {
      const error = await refusal(
        resolveOutbound(host, 25, { allow: "", resolver: async () => [{ address: "93.184.215.14", family: 4 }] }),
      );
      expect(error.message, host).toMatch(
        /^the address (127\.0\.0\.1|0\.0\.0\.0|::ffff:7f00:1) is (loopback|unspecified)/,
      );
    }
  });

  it("literalAddressProblem refuses a blocked literal IP at save time and leaves names to connect time", () => {
    expect(literalAddressProblem("http://169.254.169.254/latest", "")).toBe(
      "the address 169.254.169.254 is a cloud metadata address; an operator can allow it with CAIRN_OUTBOUND_ALLOW",
    );
    expect(literalAddressProblem("http://[::ffff:10.0.0.1]/", "")).toMatch(/^the address ::ffff:a00:1 is private/);
    expect(literalAddressProblem("0x7f.1", "")).toMatch(/^the address 127\.0\.0\.1 is loopback/);
    expect(literalAddressProblem("https://hooks.example/x", "")).toBeNull();
    expect(literalAddressProblem("http://127.0.0.1:2525", "127.0.0.1:2525")).toBeNull();
  });
});

describe("outboundRequest", () => {
  let target: Awaited<ReturnType<typeof startServer>>;
  let redirector: Awaited<ReturnType<typeof startServer>>;
  let big: Awaited<ReturnType<typeof startServer>>;
  let stall: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    target = await startServer((_req, res) => res.end("hello"));
    redirector = await startServer((_req, res) => {
      res.writeHead(302, { location: `${target.url}/secret` });
      res.end();
    });
    big = await startServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      const chunk = Buffer.alloc(64 * 1024, "x");
      let sent = 0;
      const write = () => {
        while (sent < 4 * 1024 * 1024) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", write);
        }
        res.end();
      };
      write();
    });
    stall = await startServer(() => {});
  });
  afterAll(async () => {
    await Promise.all([target.close(), redirector.close(), big.close(), stall.close()]);
  });

  it("a literal loopback URL is refused before any connection; allowed by CAIRN_OUTBOUND_ALLOW it goes through", async () => {
    process.env.CAIRN_OUTBOUND_ALLOW = "";
    const before = target.requests.length;
    const error = await refusal(outboundRequest(`${target.url}/x`, { timeoutMs: 2_000 }));
    expect(error.message).toBe("the address 127.0.0.1 is loopback; an operator can allow it with CAIRN_OUTBOUND_ALLOW");
    await refusal(outboundRequest(`http://[::ffff:127.0.0.1]:${target.port}/x`, { timeoutMs: 2_000 }));
    await refusal(outboundRequest(`http://0x7f.1:${target.port}/x`, { timeoutMs: 2_000 }));
    await refusal(outboundRequest(`http://2130706433:${target.port}/x`, { timeoutMs: 2_000 }));
    await refusal(outboundRequest(`http://0:${target.port}/x`, { timeoutMs: 2_000 }));
    // the system resolver: localhost is a name for loopback
    expect((await refusal(outboundRequest(`http://localhost:${target.port}/x`, { timeoutMs: 2_000 }))).message).toMatch(
      /^the address (127\.0\.0\.1|::1) of localhost is loopback/,
    );
    expect(target.requests.length).toBe(before);

    process.env.CAIRN_OUTBOUND_ALLOW = `127.0.0.1:${target.port}`;
    const response = await outboundRequest(`${target.url}/x`, { timeoutMs: 2_000 });
    expect(response).toMatchObject({ status: 200, truncated: false });
    expect(response.text()).toBe("hello");
  });

  it("connects to the address it checked, resolving once (no second lookup a rebinding DNS could answer differently)", async () => {
    let calls = 0;
    const resolver: Resolver = async () =>
      calls++ === 0 ? [{ address: "127.0.0.1", family: 4 }] : [{ address: "10.0.0.1", family: 4 }];
    const response = await outboundRequest(`http://rebind.test:${target.port}/pinned`, {
      timeoutMs: 2_000,
      resolver,
      allow: `127.0.0.1:${target.port}`,
    });
    expect(response.status).toBe(200);
    expect(calls).toBe(1);
    expect(target.requests.at(-1)).toMatchObject({ url: "/pinned", headers: { host: `rebind.test:${target.port}` } });
  });

  it("drops Host and hop-by-hop headers the caller set", async () => {
    await outboundRequest(`${target.url}/headers`, {
      timeoutMs: 2_000,
      allow: `127.0.0.1:${target.port}`,
      method: "POST",
      body: "{}",
      headers: {
        Host: "metadata.google.internal",
        "X-Keep": "1",
        Connection: "upgrade",
        Upgrade: "websocket",
        "Proxy-Authorization": "x",
        "Transfer-Encoding": "chunked",
        TE: "trailers",
        Trailer: "x",
        "Keep-Alive": "1",
      },
    });
    const { headers } = target.requests.at(-1)!;
    expect(headers.host).toBe(`127.0.0.1:${target.port}`);
    expect(headers["x-keep"]).toBe("1");
    expect(headers["content-length"]).toBe("2");
    for (const name of ["upgrade", "proxy-authorization", "transfer-encoding", "te", "trailer", "keep-alive"])
      expect(headers[name], name).toBeUndefined();
  });

  it("a redirect to loopback from an allowed server is not followed: the 3xx is the answer", async () => {
    const before = target.requests.length;
    const response = await outboundRequest(`${redirector.url}/start`, {
      timeoutMs: 2_000,
      allow: `127.0.0.1:${redirector.port}`,
    });
    expect(response.status).toBe(302);
    expect(target.requests.length).toBe(before);
  });

  it("reads at most maxBytes (1 MB by default) and cuts the rest", async () => {
    const response = await outboundRequest(`${big.url}/`, { timeoutMs: 10_000, allow: `127.0.0.1:${big.port}` });
    expect(response.truncated).toBe(true);
    expect(response.body.length).toBeLessThanOrEqual(1024 * 1024);
    const kept = await outboundRequest(`${big.url}/`, {
      timeoutMs: 10_000,
      allow: `127.0.0.1:${big.port}`,
      maxBytes: 100_000,
      keepBytes: 10,
    });
    expect(kept.body.toString()).toBe("xxxxxxxxxx");
  });

  it("a kept-alive connection the server dropped as it was reused is retried once on a new one; a new connection's reset is not", async () => {
    // the second request on a connection finds it closed (what a server's idle timeout does at the wrong moment)
    const served = new WeakMap<object, number>();
    let drops = 0;
    const flaky = await startServer((req, res) => {
      const count = (served.get(req.socket) ?? 0) + 1;
      served.set(req.socket, count);
      if (count === 2 && drops++ === 0) return void req.socket.destroy();
      res.end(`answer ${count}`);
    });
    try {
      const allow = `127.0.0.1:${flaky.port}`;
      expect((await outboundRequest(`${flaky.url}/a`, { timeoutMs: 2_000, allow })).text()).toBe("answer 1");
      // reuses the kept-alive socket, which the server drops: sent again on a new connection
      expect((await outboundRequest(`${flaky.url}/b`, { timeoutMs: 2_000, allow })).text()).toBe("answer 1");
      expect(flaky.requests.map((r) => r.url)).toEqual(["/a", "/b", "/b"]);

      // a reset on a connection made for this request is the answer: no retry
      const resetting = await startServer((req) => void req.socket.destroy());
      try {
        await expect(
          outboundRequest(`${resetting.url}/c`, { timeoutMs: 2_000, allow: `127.0.0.1:${resetting.port}` }),
        ).rejects.toThrow(/socket hang up|ECONNRESET/);
        expect(resetting.requests).toHaveLength(1);
      } finally {
        await resetting.close();
      }
    } finally {
      await flaky.close();
    }
  });

  it("one deadline covers the exchange", async () => {
    await expect(
      outboundRequest(`${stall.url}/`, { timeoutMs: 200, allow: `127.0.0.1:${stall.port}` }),
    ).rejects.toBeInstanceOf(OutboundTimeoutError);
  });
});

describe("sanitizedReason", () => {
  it("keeps printable text, at most 200 characters, with secrets replaced", () => {
    expect(sanitizedReason("bad\r\nSet-Cookie: x\u0000 token abcd1234", { secrets: ["abcd1234"] })).toBe(
      "bad Set-Cookie: x token [redacted]",
    );
    expect(sanitizedReason("y".repeat(500))).toBe(`${"y".repeat(200)}…`);
  });
});
