/**
 * Settings → Channels through the real route handlers: saving, listing and removing provider settings,
 * secrets that never come back, who may change them, every validation message the form shows beside its
 * field, VAPID keys, and "Test connection" against a real SMTP server on this machine.
 */
import webpush from "web-push";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { POST as testEmailRoute } from "@/app/api/workspaces/[slug]/channels/email/test/route";
import { DELETE as deleteRoute, PUT as saveRoute } from "@/app/api/workspaces/[slug]/channels/[provider]/route";
import { GET as listRoute } from "@/app/api/workspaces/[slug]/channels/route";
import { POST as keysRoute } from "@/app/api/workspaces/[slug]/channels/web_push/keys/route";
import type { RoleName } from "@/lib/auth/permissions";
import { db } from "@/lib/db/client";
import { callRoute } from "@/lib/testing/call-route";
import { createWorkspaceWithTeam, sessionCookie, type TestWorkspace } from "@/lib/testing/factories";
import { freePort } from "@/lib/testing/free-port";
import { startSmtpSink, type SmtpSink } from "@/lib/testing/local-provider-servers";

const SMTP_PASSWORD = "correct horse battery";
const { publicKey: VAPID_PUBLIC, privateKey: VAPID_PRIVATE } = webpush.generateVAPIDKeys();
const PEM =
  "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n";

let team: TestWorkspace;
const cookies = {} as Record<RoleName, string>;

beforeAll(async () => {
  team = await createWorkspaceWithTeam("Channels");
  for (const role of ["OWNER", "ADMIN", "EDITOR", "VIEWER"] as const)
    cookies[role] = await sessionCookie(team.members[role]);
});

function save(provider: string, body: unknown, role: RoleName = "ADMIN", slug = team.slug) {
  return callRoute(saveRoute, { method: "PUT", params: { slug, provider }, cookie: cookies[role], body });
}
function list(role: RoleName = "ADMIN", slug = team.slug) {
  return callRoute(listRoute, { params: { slug }, cookie: cookies[role] });
}
function remove(provider: string, role: RoleName = "ADMIN", slug = team.slug) {
  return callRoute(deleteRoute, { method: "DELETE", params: { slug, provider }, cookie: cookies[role] });
}
function testEmail(body: unknown, role: RoleName = "ADMIN", slug = team.slug) {
  return callRoute(testEmailRoute, { method: "POST", params: { slug }, cookie: cookies[role], body });
}

const smtpSettings = (port: number, extra: Record<string, unknown> = {}) => ({
  mode: "smtp",
  fromAddress: "news@acme.test",
  fromName: "Acme",
  host: "127.0.0.1",
  port,
  user: "mailer",
  ...extra,
});

describe("saving, listing and removing", () => {
  // a workspace of its own, so the list holds exactly what these cases saved
  let slug: string;
  let workspaceId: string;
  let cookie: string;
  beforeAll(async () => {
    const ws = await createWorkspaceWithTeam("Channels CRUD");
    slug = ws.slug;
    workspaceId = ws.id;
    cookie = await sessionCookie(ws.members.ADMIN);
  });

  it("saves SMTP settings, lists them with who and when, and never returns the password", async () => {
    const saved = await callRoute(saveRoute, {
      method: "PUT",
      params: { slug, provider: "email" },
      cookie,
      body: { settings: smtpSettings(2525, { port: "2525" }), secrets: { password: SMTP_PASSWORD } },
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({
      provider: "email",
      settings: {
        mode: "smtp",
        fromAddress: "news@acme.test",
        fromName: "Acme",
        host: "127.0.0.1",
        port: 2525,
        secure: false,
        user: "mailer",
      },
      secretsSet: ["password"],
      updatedByLabel: expect.stringMatching(/^admin-.*@example\.test$/),
    });
    expect(JSON.stringify(saved.body)).not.toContain(SMTP_PASSWORD);

    const listed = await callRoute(listRoute, { params: { slug }, cookie });
    expect(listed.status).toBe(200);
    expect(listed.body.channels).toEqual([saved.body]);
    expect(JSON.stringify(listed.body)).not.toContain(SMTP_PASSWORD);

    // encrypted at rest, and the change is in the audit log
    const row = await db().channelConfig.findFirstOrThrow({ where: { workspaceId, provider: "email" } });
    expect(row.secretCipher).toMatch(/^v1\./);
    expect(row.secretCipher).not.toContain(SMTP_PASSWORD);
    expect(await db().auditLog.count({ where: { workspaceId, action: "channel.configured", targetId: "email" } })).toBe(
      1,
    );
  });

  it("keeps the stored secret when it is left blank, and replaces it when a new one is given", async () => {
    const put = (secrets: Record<string, string>) =>
      callRoute(saveRoute, {
        method: "PUT",
        params: { slug, provider: "sms" },
        cookie,
        body: { settings: { accountSid: "AC0123456789abcdef", from: "+15551234567" }, secrets },
      });
    const cipherOf = async () =>
      (await db().channelConfig.findFirstOrThrow({ where: { workspaceId, provider: "sms" } })).secretCipher;
    expect((await put({ authToken: "first-token" })).body.secretsSet).toEqual(["authToken"]);
    const first = await cipherOf();
    const kept = await put({ authToken: "" });
    expect(kept.status).toBe(200);
    expect(kept.body).toMatchObject({ settings: { baseUrl: "https://api.twilio.com" }, secretsSet: ["authToken"] });
    expect(await cipherOf()).not.toBeNull();
    expect((await put({})).body.secretsSet).toEqual(["authToken"]);
    expect((await put({ authToken: "second-token" })).status).toBe(200);
    expect(await cipherOf()).not.toEqual(first);
  });

  it("removes a provider's settings; removing it again is a 404, as is an unknown provider", async () => {
    await callRoute(saveRoute, {
      method: "PUT",
      params: { slug, provider: "web_push" },
      cookie,
      body: {
        settings: { vapidPublicKey: VAPID_PUBLIC, subject: "mailto:ops@acme.test" },
        secrets: { vapidPrivateKey: VAPID_PRIVATE },
      },
    });
    const removed = await callRoute(deleteRoute, { method: "DELETE", params: { slug, provider: "web_push" }, cookie });
    expect(removed).toMatchObject({ status: 200, body: { ok: true } });
    const providers = (await callRoute(listRoute, { params: { slug }, cookie })).body.channels.map(
      (c: { provider: string }) => c.provider,
    );
    expect(providers).not.toContain("web_push");
    expect(await db().auditLog.count({ where: { workspaceId, action: "channel.removed", targetId: "web_push" } })).toBe(
      1,
    );

    const again = await callRoute(deleteRoute, { method: "DELETE", params: { slug, provider: "web_push" }, cookie });
    expect(again.status).toBe(404);
    expect(again.body.error.message).toBe("The web_push channel is not configured.");
    const unknown = await callRoute(saveRoute, {
      method: "PUT",
      params: { slug, provider: "pigeon" },
      cookie,
      body: { settings: {} },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe('No channel provider "pigeon": use one of email, sms, web_push, fcm.');
  });

  it("saves FCM with a multi-line PEM key intact", async () => {
    const saved = await callRoute(saveRoute, {
      method: "PUT",
      params: { slug, provider: "fcm" },
      cookie,
      body: {
        settings: {
          projectId: "acme-app-1234",
          clientEmail: "cairn@acme-app-1234.iam.gserviceaccount.com",
          tokenUrl: "",
          apiBaseUrl: "",
        },
        secrets: { privateKey: PEM },
      },
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ settings: { projectId: "acme-app-1234" }, secretsSet: ["privateKey"] });
    expect(saved.body.settings).not.toHaveProperty("tokenUrl");
    expect(JSON.stringify(saved.body)).not.toContain("BEGIN PRIVATE KEY");
  });
});

describe("who may see and change channels", () => {
  beforeAll(async () => {
    expect(
      (await save("email", { settings: smtpSettings(2525), secrets: { password: SMTP_PASSWORD } }, "OWNER")).status,
    ).toBe(200);
  });

  it("lets editors and viewers read the settings, without secrets", async () => {
    for (const role of ["EDITOR", "VIEWER"] as const) {
      const listed = await list(role);
      expect(listed.status).toBe(200);
      expect(listed.body.channels).toEqual([
        expect.objectContaining({
          provider: "email",
          secretsSet: ["password"],
          settings: expect.objectContaining({ host: "127.0.0.1" }),
        }),
      ]);
      expect(JSON.stringify(listed.body)).not.toContain(SMTP_PASSWORD);
    }
  });

  it("refuses every write to editors and viewers with 403, and nothing changes", async () => {
    const before = await db().channelConfig.findMany({ where: { workspaceId: team.id }, orderBy: { provider: "asc" } });
    for (const role of ["EDITOR", "VIEWER"] as const) {
      const attempts = await Promise.all([
        save("email", { settings: smtpSettings(25, { host: "evil.example" }), secrets: { password: "x" } }, role),
        save(
          "sms",
          { settings: { accountSid: "AC0123456789abcdef", from: "+15551234567" }, secrets: { authToken: "t" } },
          role,
        ),
        remove("email", role),
        testEmail({ settings: smtpSettings(2525), secrets: {} }, role),
        callRoute(keysRoute, { method: "POST", params: { slug: team.slug }, cookie: cookies[role] }),
      ]);
      for (const response of attempts) {
        expect(response.status).toBe(403);
        expect(response.body.error).toEqual({
          code: "forbidden",
          message: "Only admins and owners can change workspace settings.",
        });
      }
    }
    expect(
      await db().channelConfig.findMany({ where: { workspaceId: team.id }, orderBy: { provider: "asc" } }),
    ).toEqual(before);
  });

  it("answers 404 to people outside the workspace", async () => {
    const other = await createWorkspaceWithTeam("Elsewhere");
    const outsider = await sessionCookie(other.members.OWNER);
    expect((await callRoute(listRoute, { params: { slug: team.slug }, cookie: outsider })).status).toBe(404);
    expect(
      (
        await callRoute(saveRoute, {
          method: "PUT",
          params: { slug: team.slug, provider: "email" },
          cookie: outsider,
          body: { settings: smtpSettings(25) },
        })
      ).status,
    ).toBe(404);
  });

  it("refuses a cross-site write even from an admin", async () => {
    const response = await callRoute(deleteRoute, {
      method: "DELETE",
      params: { slug: team.slug, provider: "email" },
      cookie: cookies.ADMIN,
      headers: { origin: "https://evil.example" },
    });
    expect(response.status).toBe(403);
  });
});

describe("validation: every problem, by its field's path", () => {
  async function fieldsOf(provider: string, body: unknown) {
    const response = await save(provider, body);
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe("validation");
    return response.body.error.fields as { path: string; message: string }[];
  }

  it("email: mode, addresses, name, user, unknown settings and secrets", async () => {
    expect(
      await fieldsOf("email", {
        settings: {
          mode: "pigeon",
          fromAddress: "not-an-address",
          replyTo: "also bad",
          fromName: "x".repeat(101),
          user: "u".repeat(256),
          port: 0,
        },
        secrets: { apiKey: "k" },
      }),
    ).toEqual([
      { path: "settings.mode", message: 'must be "embedded" (the local Outbox) or "smtp"' },
      { path: "settings.fromAddress", message: "must be an email address, e.g. news@example.com" },
      { path: "settings.fromName", message: "at most 100 characters" },
      { path: "settings.replyTo", message: "must be an email address, e.g. news@example.com" },
      { path: "settings.port", message: "must be 1–65535" },
      { path: "settings.user", message: "at most 255 characters" },
      { path: "secrets.apiKey", message: "is not a secret of email; expected password" },
    ]);
    expect(await fieldsOf("email", { settings: { mode: "embedded", fromAddress: "a@b.test", color: "blue" } })).toEqual(
      [{ path: "settings", message: 'Unrecognized key: "color"' }],
    );
  });

  it("email in SMTP mode: host and port are required, and the port must be a port", async () => {
    expect(await fieldsOf("email", { settings: { mode: "smtp", fromAddress: "news@acme.test" } })).toEqual([
      { path: "settings.host", message: "is required for SMTP, e.g. smtp.example.com" },
      { path: "settings.port", message: "is required for SMTP, e.g. 587" },
    ]);
    expect(await fieldsOf("email", { settings: smtpSettings(70000) })).toEqual([
      { path: "settings.port", message: "must be 1–65535" },
    ]);
    expect(await fieldsOf("email", { settings: smtpSettings(Number.NaN, { port: "twenty-five" }) })).toEqual([
      { path: "settings.port", message: "must be a port number" },
    ]);
  });

  it("sms: account SID, sender, base URL, and the auth token when none is stored", async () => {
    expect(
      await fieldsOf("sms", { settings: { accountSid: "SK123", from: "555-1234", baseUrl: "ftp://twilio" } }),
    ).toEqual([
      { path: "settings.baseUrl", message: "must be an http(s) URL" },
      { path: "settings.accountSid", message: "must be a Twilio account SID, starting with AC" },
      {
        path: "settings.from",
        message: "must be a phone number in E.164 form (+15551234567) or a Messaging Service SID (MG…)",
      },
    ]);
    expect(
      await fieldsOf("sms", {
        settings: { accountSid: "AC0123456789abcdef", from: "MG0123456789abcdef" },
        secrets: { authToken: "  " },
      }),
    ).toEqual([{ path: "secrets.authToken", message: "is required" }]);
  });

  it("web push: public key, subject, and a private key that is required and well-formed", async () => {
    expect(
      await fieldsOf("web_push", {
        settings: { vapidPublicKey: "short", subject: "ops@acme.test" },
        secrets: { vapidPrivateKey: "not a key" },
      }),
    ).toEqual([
      { path: "settings.vapidPublicKey", message: "must be a VAPID public key (base64url, 87 characters)" },
      { path: "settings.subject", message: "must be mailto:you@example.com or an https URL" },
      { path: "secrets.vapidPrivateKey", message: "must be a VAPID private key (base64url, 43 characters)" },
    ]);
    expect(
      await fieldsOf("web_push", { settings: { vapidPublicKey: VAPID_PUBLIC, subject: "https://acme.test/contact" } }),
    ).toEqual([{ path: "secrets.vapidPrivateKey", message: "is required" }]);
  });

  it("fcm: project id, client email, URLs, and the PEM private key", async () => {
    expect(
      await fieldsOf("fcm", {
        settings: { projectId: "My Project", clientEmail: "nobody", tokenUrl: "oauth", apiBaseUrl: "fcm" },
        secrets: { privateKey: "{json}" },
      }),
    ).toEqual([
      { path: "settings.projectId", message: "must be a Firebase project id, e.g. my-app-1234" },
      { path: "settings.clientEmail", message: "must be an email address, e.g. news@example.com" },
      { path: "settings.tokenUrl", message: "must be an http(s) URL" },
      { path: "settings.apiBaseUrl", message: "must be an http(s) URL" },
      {
        path: "secrets.privateKey",
        message: "must be the service account's private_key (PEM, -----BEGIN PRIVATE KEY-----…)",
      },
    ]);
    expect(await fieldsOf("fcm", { settings: { projectId: "acme-app-1234", clientEmail: "cairn@acme.test" } })).toEqual(
      [{ path: "secrets.privateKey", message: "is required" }],
    );
  });

  it("the body itself: settings must be an object, secrets text, nothing else", async () => {
    expect(await fieldsOf("sms", { settings: "AC123", secrets: { authToken: 42 }, extra: true })).toEqual([
      { path: "settings", message: "must be an object" },
      { path: "secrets.authToken", message: "must be text" },
      { path: "", message: 'Unrecognized key: "extra"' },
    ]);
  });
});

describe("Test connection (email)", () => {
  let sink: SmtpSink;
  let slug: string;
  let workspaceId: string;
  let cookie: string;
  const savedEmbedded = process.env.CAIRN_EMBEDDED_SMTP;
  beforeAll(async () => {
    sink = await startSmtpSink({ auth: { user: "mailer", password: SMTP_PASSWORD } });
    const ws = await createWorkspaceWithTeam("Channels SMTP test");
    slug = ws.slug;
    workspaceId = ws.id;
    cookie = await sessionCookie(ws.members.ADMIN);
  });
  afterEach(() => {
    if (savedEmbedded === undefined) delete process.env.CAIRN_EMBEDDED_SMTP;
    else process.env.CAIRN_EMBEDDED_SMTP = savedEmbedded;
  });
  afterAll(async () => {
    await sink.close();
  });
  const post = (body: unknown) => callRoute(testEmailRoute, { method: "POST", params: { slug }, cookie, body });

  it("connects and authenticates with the settings in the form", async () => {
    const response = await post({ settings: smtpSettings(sink.port), secrets: { password: SMTP_PASSWORD } });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      ok: true,
      message: `Connected to 127.0.0.1:${sink.port} over an unencrypted connection and authenticated as "mailer".`,
    });
    expect(await db().channelConfig.count({ where: { workspaceId } })).toBe(0); // testing saves nothing
  });

  it("says precisely that the login failed, with the server's answer, for a wrong password", async () => {
    const response = await post({ settings: smtpSettings(sink.port), secrets: { password: "wrong password" } });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      ok: false,
      code: "EAUTH",
      error: `Authentication as "mailer" failed at 127.0.0.1:${sink.port}: the server answered "535 5.7.8 Authentication credentials invalid". Check the username and password.`,
    });
  });

  it("uses the stored password when the field is left blank", async () => {
    const blank = { settings: smtpSettings(sink.port), secrets: { password: "" } };
    // nothing stored yet: no password is sent, and the server refuses
    expect((await post(blank)).body).toMatchObject({ ok: false, code: "EAUTH" });
    const saved = await callRoute(saveRoute, {
      method: "PUT",
      params: { slug, provider: "email" },
      cookie,
      body: { settings: smtpSettings(sink.port), secrets: { password: SMTP_PASSWORD } },
    });
    expect(saved.status).toBe(200);
    expect((await post(blank)).body).toMatchObject({ ok: true });
    expect((await post({ settings: smtpSettings(sink.port) })).body).toMatchObject({ ok: true });
    // a password typed in the form wins over the stored one
    expect(
      (await post({ settings: smtpSettings(sink.port), secrets: { password: "typed but wrong" } })).body,
    ).toMatchObject({ ok: false, code: "EAUTH" });
    // and the stored one is never sent to another host
    const elsewhere = await post({ settings: { ...smtpSettings(sink.port), host: "localhost" } });
    expect(elsewhere.status).toBe(422);
    expect(elsewhere.body.error.fields).toEqual([
      {
        path: "secrets.password",
        message:
          "must be entered again because settings.host changed: a stored secret is only sent where it was saved for",
      },
    ]);
  });

  it("says the connection was refused when nothing listens on the port", async () => {
    const port = await freePort();
    const response = await post({ settings: smtpSettings(port, { user: "" }) });
    expect(response.body).toEqual({
      ok: false,
      code: "ESOCKET",
      error: `Could not connect to 127.0.0.1:${port}: connection refused (nothing is listening on that port, or a firewall rejects it).`,
    });
  });

  it("refuses a host the outbound guard blocks: a literal IP as a 422 naming the field, a name by what it resolves to", async () => {
    const literal = await post({
      settings: { ...smtpSettings(sink.port), host: "169.254.169.254" },
      secrets: { password: SMTP_PASSWORD },
    });
    expect(literal.status).toBe(422);
    expect(literal.body.error.fields).toEqual([
      {
        path: "settings.host",
        message:
          "the address 169.254.169.254 is a cloud metadata address; an operator can allow it with CAIRN_OUTBOUND_ALLOW",
      },
    ]);
    const saved = process.env.CAIRN_OUTBOUND_ALLOW;
    process.env.CAIRN_OUTBOUND_ALLOW = "";
    try {
      // the test sink on loopback, without the operator's exception: refused before any connection
      const named = await post({
        settings: { ...smtpSettings(sink.port), host: "localhost" },
        secrets: { password: SMTP_PASSWORD },
      });
      expect(named.status).toBe(200);
      expect(named.body).toMatchObject({ ok: false, code: "EOUTBOUND_BLOCKED" });
      expect(named.body.error).toMatch(
        new RegExp(
          `^Cairn does not connect to localhost:${sink.port}: the address (127\\.0\\.0\\.1|::1) of localhost is loopback; an operator can allow it with CAIRN_OUTBOUND_ALLOW\\.$`,
        ),
      );
    } finally {
      if (saved === undefined) delete process.env.CAIRN_OUTBOUND_ALLOW;
      else process.env.CAIRN_OUTBOUND_ALLOW = saved;
    }
  });

  it("answers 422 with the field for incomplete settings, as saving does", async () => {
    const response = await post({
      settings: { mode: "smtp", fromAddress: "news@acme.test", host: "127.0.0.1" },
      secrets: { password: "x", token: "y" },
    });
    expect(response.status).toBe(422);
    expect(response.body.error.fields).toEqual([
      { path: "settings.port", message: "is required for SMTP, e.g. 587" },
      { path: "secrets.token", message: "is not a secret of email; expected password" },
    ]);
  });

  it("checks the embedded server in embedded mode, and says so when it is not running", async () => {
    delete process.env.CAIRN_EMBEDDED_SMTP;
    const embedded = { settings: { mode: "embedded", fromAddress: "news@acme.test" } };
    expect((await post(embedded)).body).toEqual({
      ok: false,
      error:
        "The embedded SMTP server is not running (CAIRN_EMBEDDED_SMTP is unset or off): start Cairn with `npm run dev` or `npm start`, or configure an SMTP server.",
    });
    const open = await startSmtpSink();
    try {
      process.env.CAIRN_EMBEDDED_SMTP = `127.0.0.1:${open.port}`;
      expect((await post(embedded)).body).toEqual({
        ok: true,
        message: `Connected to 127.0.0.1:${open.port} over an unencrypted connection; no credentials set, so no authentication was tried.`,
      });
    } finally {
      await open.close();
    }
  });
});

describe("Generate keys (web push)", () => {
  it("returns a fresh VAPID pair that the form can save, and stores nothing", async () => {
    const response = await callRoute(keysRoute, { method: "POST", params: { slug: team.slug }, cookie: cookies.ADMIN });
    expect(response.status).toBe(200);
    expect(response.body.vapidPublicKey).toMatch(/^[A-Za-z0-9_-]{87}$/);
    expect(response.body.vapidPrivateKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const again = await callRoute(keysRoute, { method: "POST", params: { slug: team.slug }, cookie: cookies.ADMIN });
    expect(again.body.vapidPrivateKey).not.toBe(response.body.vapidPrivateKey);
    expect(await db().channelConfig.count({ where: { workspaceId: team.id, provider: "web_push" } })).toBe(0);

    const saved = await save("web_push", {
      settings: { vapidPublicKey: response.body.vapidPublicKey, subject: "mailto:ops@acme.test" },
      secrets: { vapidPrivateKey: response.body.vapidPrivateKey },
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({
      settings: { vapidPublicKey: response.body.vapidPublicKey },
      secretsSet: ["vapidPrivateKey"],
    });
    expect(JSON.stringify(saved.body)).not.toContain(response.body.vapidPrivateKey);
  });
});
