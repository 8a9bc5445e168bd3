import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../testing/free-port";
import { allowLoopbackOutbound } from "../../testing/outbound-allow";
import { startSmtpSink, type SmtpSink } from "../../testing/local-provider-servers";
import { closeSmtpTransports, messageIdFor, sendEmail, verifySmtp } from "./smtp";
import { ProviderError, type EmailMessage } from "./types";

const message = (overrides: Partial<EmailMessage> = {}): EmailMessage => ({
  from: { address: "news@shop.example", name: "Shop News" },
  to: "ada@example.com",
  subject: "Your order shipped",
  html: "<p>Hello <b>Ada</b>, your order is on its way.</p>",
  text: "Hello Ada, your order is on its way.",
  headers: {
    "List-Unsubscribe": "<https://cairn.example/u/abc123>, <mailto:unsubscribe@cairn.example?subject=abc123>",
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    "X-Cairn-Message-Id": "msg_1",
  },
  ...overrides,
});

async function sendError(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => null,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

/** a header's value in raw MIME, unfolded */
function header(raw: string, name: string): string | undefined {
  const head = raw.split("\r\n\r\n")[0].replace(/\r\n[ \t]+/g, " ");
  return head
    .split("\r\n")
    .find((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`))
    ?.slice(name.length + 1)
    .trim();
}

allowLoopbackOutbound();

describe("sendEmail", () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    closeSmtpTransports();
    await sink.close();
  });

  it("delivers a multipart message with the sender's name, the extra headers and a Message-ID from the idempotency key", async () => {
    const result = await sendEmail(sink.config(), message(), {
      idempotencyKey: "msg_1:email:attempt",
      timeoutMs: 5_000,
    });
    expect(result.providerMessageId).toBe("<msg_1=3Aemail=3Aattempt@cairn>");
    expect(result.response).toMatch(/^250 /);

    const [email] = await sink.waitFor(1);
    expect(email.envelope).toEqual({ from: "news@shop.example", to: ["ada@example.com"] });
    const raw = email.raw;
    expect(header(raw, "From")).toBe("Shop News <news@shop.example>");
    expect(header(raw, "To")).toBe("ada@example.com");
    expect(header(raw, "Subject")).toBe("Your order shipped");
    expect(header(raw, "Message-ID")).toBe("<msg_1=3Aemail=3Aattempt@cairn>");
    expect(header(raw, "List-Unsubscribe")).toBe(
      "<https://cairn.example/u/abc123>, <mailto:unsubscribe@cairn.example?subject=abc123>",
    );
    expect(header(raw, "List-Unsubscribe-Post")).toBe("List-Unsubscribe=One-Click");
    expect(header(raw, "X-Cairn-Message-Id")).toBe("msg_1");
    expect(header(raw, "Content-Type")).toMatch(/^multipart\/alternative; boundary=/);
    expect(raw).toMatch(/Content-Type: text\/plain; charset=utf-8/i);
    expect(raw).toMatch(/Content-Type: text\/html; charset=utf-8/i);
    expect(email.parsed.text?.trim()).toBe("Hello Ada, your order is on its way.");
    expect(email.parsed.html).toContain("<p>Hello <b>Ada</b>, your order is on its way.</p>");
  });

  it("a retry with the same idempotency key carries the same Message-ID; another key a different one", async () => {
    const before = sink.received.length;
    await sendEmail(sink.config(), message({ to: "retry@example.com" }), { idempotencyKey: "msg_2", timeoutMs: 5_000 });
    await sendEmail(sink.config(), message({ to: "retry@example.com" }), { idempotencyKey: "msg_2", timeoutMs: 5_000 });
    await sendEmail(sink.config(), message({ to: "retry@example.com" }), { idempotencyKey: "msg_3", timeoutMs: 5_000 });
    const ids = (await sink.waitFor(before + 3)).slice(before).map((email) => header(email.raw, "Message-ID"));
    expect(ids).toEqual(["<msg_2@cairn>", "<msg_2@cairn>", "<msg_3@cairn>"]);
  });

  it("sanitizes keys into a valid msg-id without collisions", () => {
    expect(messageIdFor("a b<c>@d")).toBe("<a=20b=3Cc=3E=40d@cairn>");
    expect(messageIdFor("a:b")).not.toBe(messageIdFor("a;b"));
    expect(messageIdFor("é")).toBe("<=C3=A9@cairn>");
  });

  it("a recipient refused with 550 no such user is permanent and a dead address", async () => {
    sink.rejectRecipient("gone@example.com");
    const error = await sendError(
      sendEmail(sink.config(), message({ to: "gone@example.com" }), { idempotencyKey: "msg_550", timeoutMs: 5_000 }),
    );
    expect(error).toMatchObject({ retryable: false, permanentAddressFailure: true, providerCode: "550" });
    expect(error.message).toMatch(/RCPT TO.*550 5\.1\.1.*no such user/);
  });

  it("a 550 about relaying or policy is permanent but not blamed on the address", async () => {
    sink.rejectRecipient("elsewhere@example.org", 550, "5.7.1 Relaying denied");
    const error = await sendError(
      sendEmail(sink.config(), message({ to: "elsewhere@example.org" }), {
        idempotencyKey: "msg_relay",
        timeoutMs: 5_000,
      }),
    );
    expect(error).toMatchObject({ retryable: false, permanentAddressFailure: false, providerCode: "550" });
  });

  it("451 is a temporary failure: retryable, and the next try goes through", async () => {
    sink.failNext(1, 451);
    const error = await sendError(
      sendEmail(sink.config(), message({ to: "grey@example.com" }), { idempotencyKey: "msg_451", timeoutMs: 5_000 }),
    );
    expect(error).toMatchObject({ retryable: true, permanentAddressFailure: false, providerCode: "451" });
    await expect(
      sendEmail(sink.config(), message({ to: "grey@example.com" }), { idempotencyKey: "msg_451", timeoutMs: 5_000 }),
    ).resolves.toMatchObject({ providerMessageId: "<msg_451@cairn>" });
  });

  it("a 5xx after DATA (content refused) is permanent and not an address failure", async () => {
    sink.failNext(1, 554, { stage: "data", message: "5.6.0 Message content rejected" });
    const error = await sendError(
      sendEmail(sink.config(), message({ to: "content@example.com" }), { idempotencyKey: "msg_554", timeoutMs: 5_000 }),
    );
    expect(error).toMatchObject({ retryable: false, permanentAddressFailure: false, providerCode: "554" });
  });

  it("a server that stops answering is a retryable timeout", async () => {
    sink.stallNext(1);
    const started = Date.now();
    const error = await sendError(
      sendEmail(sink.config(), message({ to: "slow@example.com" }), { idempotencyKey: "msg_slow", timeoutMs: 500 }),
    );
    expect(error).toMatchObject({ retryable: true, permanentAddressFailure: false });
    expect(error.providerCode).toBe("ETIMEDOUT");
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});

describe("sendEmail without a server", () => {
  afterAll(() => closeSmtpTransports());

  it("connection refused on a closed port is retryable", async () => {
    const port = await freePort();
    const error = await sendError(
      sendEmail({ host: "127.0.0.1", port, secure: false }, message(), {
        idempotencyKey: "msg_refused",
        timeoutMs: 2_000,
      }),
    );
    expect(error).toMatchObject({ retryable: true, permanentAddressFailure: false });
    expect(error.message).toMatch(/ECONNREFUSED/);
  });
});

describe("STARTTLS", () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink({ starttls: true, auth: { user: "cairn", password: "s3cret" } });
  });
  afterAll(async () => {
    closeSmtpTransports();
    await sink.close();
  });

  it("upgrades and authenticates when the operator allows the test server's self-signed certificate", async () => {
    await sendEmail(sink.config(), message({ to: "tls@example.com" }), { idempotencyKey: "msg_tls", timeoutMs: 5_000 });
    const [email] = await sink.waitFor(1);
    expect(email.user).toBe("cairn");
  });

  it("refuses the test server's certificate (self-signed, and expired) otherwise, as a permanent error", async () => {
    const error = await sendError(
      sendEmail(sink.config({ allowSelfSigned: false }), message(), { idempotencyKey: "msg_cert", timeoutMs: 5_000 }),
    );
    expect(error).toMatchObject({ retryable: false, providerCode: "ETLS" });
    expect(error.message).toMatch(/certificate/i);
  });
});

describe("verifySmtp", () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink({ auth: { user: "cairn", password: "s3cret" } });
  });
  afterAll(async () => {
    await sink.close();
  });

  it("connects and authenticates with the right password", async () => {
    await expect(verifySmtp(sink.config())).resolves.toEqual({
      ok: true,
      message: `Connected to 127.0.0.1:${sink.port} over an unencrypted connection and authenticated as "cairn".`,
    });
  });

  it("says that authentication failed, with the server's answer, for a wrong password", async () => {
    const result = await verifySmtp(sink.config({ password: "wrong" }));
    expect(result).toEqual({
      ok: false,
      code: "EAUTH",
      error: `Authentication as "cairn" failed at 127.0.0.1:${sink.port}: the server answered "535 5.7.8 Authentication credentials invalid". Check the username and password.`,
    });
  });

  it("says the connection was refused on a closed port", async () => {
    const port = await freePort();
    const result = await verifySmtp({ host: "127.0.0.1", port, secure: false });
    expect(result).toMatchObject({
      ok: false,
      error: `Could not connect to 127.0.0.1:${port}: connection refused (nothing is listening on that port, or a firewall rejects it).`,
    });
  });

  it("says implicit TLS is wrong for a plain port", async () => {
    const result = await verifySmtp(sink.config({ secure: true }), { timeoutMs: 2_000 });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/does not speak implicit TLS on this port|no SMTP greeting/);
  });
});

describe("the SMTP host goes through the outbound guard", () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    closeSmtpTransports();
    await sink.close();
  });

  it("a loopback host without the operator's exception, an odd spelling of it, or a name that resolves to a private address is refused and nothing connects", async () => {
    const before = sink.received.length;
    for (const host of ["127.0.0.1", "0x7f.1", "2130706433", "::ffff:127.0.0.1", "localhost"]) {
      const error = await sendError(
        sendEmail({ ...sink.config(), host }, message(), {
          idempotencyKey: `guard-${host}`,
          timeoutMs: 2_000,
          allow: "",
        }),
      );
      expect(error, host).toMatchObject({ retryable: false, providerCode: "EOUTBOUND_BLOCKED" });
      expect(error.message, host).toMatch(
        /^The SMTP server was not called: the address (127\.0\.0\.1|::1|::ffff:7f00:1)( of localhost)? is loopback( \(as 127\.0\.0\.1 inside an IPv6 address\))?; an operator can allow it with CAIRN_OUTBOUND_ALLOW$/,
      );
    }
    const rebound = await sendError(
      sendEmail({ ...sink.config(), host: "mail.rebind.test" }, message(), {
        idempotencyKey: "guard-rebind",
        timeoutMs: 2_000,
        allow: "",
        resolver: async () => [{ address: "10.0.0.1", family: 4 }],
      }),
    );
    expect(rebound.message).toBe(
      "The SMTP server was not called: the address 10.0.0.1 of mail.rebind.test is private; an operator can allow it with CAIRN_OUTBOUND_ALLOW",
    );
    expect(sink.received.length).toBe(before);

    const test = await verifySmtp({ ...sink.config(), host: "169.254.169.254" }, { timeoutMs: 2_000, allow: "" });
    expect(test).toEqual({
      ok: false,
      code: "EOUTBOUND_BLOCKED",
      error: `Cairn does not connect to 169.254.169.254:${sink.port}: the address 169.254.169.254 is a cloud metadata address; an operator can allow it with CAIRN_OUTBOUND_ALLOW.`,
    });
  });

  it("connects to the address the name was checked for (resolved once), and the allow list opens exactly the host:port it names", async () => {
    let lookups = 0;
    const resolver = async () =>
      lookups++ ? [{ address: "10.0.0.1", family: 4 }] : [{ address: "127.0.0.1", family: 4 }];
    const result = await sendEmail({ ...sink.config(), host: "mail.rebind.test" }, message(), {
      idempotencyKey: "guard-pinned",
      timeoutMs: 5_000,
      allow: `127.0.0.1:${sink.port}`,
      resolver,
    });
    expect(result.response).toMatch(/^250 /);
    expect(lookups).toBe(1);
    await sink.waitFor(1);
    await expect(
      sendError(
        sendEmail(sink.config(), message(), {
          idempotencyKey: "guard-otherport",
          timeoutMs: 2_000,
          allow: `127.0.0.1:${sink.port + 1}`,
        }),
      ),
    ).resolves.toMatchObject({ providerCode: "EOUTBOUND_BLOCKED" });
  });
});
