import crypto from "node:crypto";
import webpush from "web-push";
import { beforeAll, describe, expect, it } from "vitest";
import { workspaceContextForApiKey } from "../api-keys/api-keys";
import type { WorkspaceContext } from "../auth/context";
import { db } from "../db/client";
import { AppError } from "../errors";
import { contextOf, createWorkspaceWithTeam, type TestWorkspace } from "../testing/factories";
import { ingestFixture } from "../testing/ingest-helpers";
import { startTwilioServer } from "../testing/local-provider-servers";
import { messageRow, queueFor, setup } from "../testing/messaging-fixtures";
import { deleteChannelConfig, listChannelConfigs, loadProviderConfigs, saveChannelConfig } from "./channel-config";
import { deliverMessage } from "./delivery";

const SMTP_PASSWORD = "smtp-password-correct-horse";
const { publicKey: VAPID_PUBLIC, privateKey: VAPID_PRIVATE } = webpush.generateVAPIDKeys();
const FCM_KEY = crypto
  .generateKeyPairSync("rsa", { modulusLength: 2048 })
  .privateKey.export({ type: "pkcs8", format: "pem" })
  .toString();

const VALID = {
  email: {
    settings: {
      mode: "smtp",
      fromAddress: "news@shop.example",
      fromName: "Shop",
      host: "smtp.shop.example",
      port: "587",
      user: "mailer",
    },
    secrets: { password: SMTP_PASSWORD },
  },
  sms: {
    settings: { accountSid: "AC0123456789abcdef0123456789abcdef", from: "+15005550006" },
    secrets: { authToken: "twilio-auth-token-1234" },
  },
  web_push: {
    settings: { vapidPublicKey: VAPID_PUBLIC, subject: "mailto:ops@shop.example" },
    secrets: { vapidPrivateKey: VAPID_PRIVATE },
  },
  fcm: {
    settings: {
      projectId: "shop-app-1234",
      clientEmail: "cairn@shop-app-1234.iam.gserviceaccount.com",
      tokenUrl: "https://oauth2.example/token/",
      apiBaseUrl: "https://fcm.example",
    },
    secrets: { privateKey: FCM_KEY },
  },
};
const SECRET_VALUES = [SMTP_PASSWORD, VALID.sms.secrets.authToken, VAPID_PRIVATE, FCM_KEY.split("\n")[1]];

let team: TestWorkspace;
let admin: WorkspaceContext;
beforeAll(async () => {
  team = await createWorkspaceWithTeam("Channel config");
  admin = await contextOf(team, "ADMIN");
});

async function rowsOf(workspaceId: string) {
  return db().channelConfig.findMany({ where: { workspaceId }, orderBy: { provider: "asc" } });
}

/** The AppError a call throws. */
async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("saving and listing", () => {
  it("saves each provider and lists the settings (normalised) with the names of the stored secrets only", async () => {
    const ws = await createWorkspaceWithTeam("Every provider");
    const ctx = await contextOf(ws, "OWNER");
    const saved = [];
    for (const provider of ["email", "sms", "web_push", "fcm"] as const)
      saved.push(await saveChannelConfig(ctx, provider, VALID[provider]));
    expect(saved.map((c) => [c.provider, c.secretsSet])).toEqual([
      ["email", ["password"]],
      ["sms", ["authToken"]],
      ["web_push", ["vapidPrivateKey"]],
      ["fcm", ["privateKey"]],
    ]);
    expect(saved[0].settings).toEqual({
      mode: "smtp",
      fromAddress: "news@shop.example",
      fromName: "Shop",
      host: "smtp.shop.example",
      port: 587,
      secure: false,
      user: "mailer",
    });
    expect(saved[1].settings).toEqual({
      baseUrl: "https://api.twilio.com",
      accountSid: "AC0123456789abcdef0123456789abcdef",
      from: "+15005550006",
    });
    expect(saved[2].settings).toEqual(VALID.web_push.settings);
    expect(saved[3].settings).toEqual({ ...VALID.fcm.settings, tokenUrl: "https://oauth2.example/token" });
    expect(saved[0].updatedByLabel).toBe(ws.members.OWNER.email);

    const listed = await listChannelConfigs(ctx);
    expect(listed.map((c) => c.provider).sort()).toEqual(["email", "fcm", "sms", "web_push"]);
    expect(listed.find((c) => c.provider === "sms")).toEqual(saved[1]);
    const everything = JSON.stringify(listed) + JSON.stringify(saved);
    for (const secret of SECRET_VALUES) expect(everything).not.toContain(secret);

    // encrypted at rest: no secret, not even a piece of one, in the stored row
    for (const row of await rowsOf(ws.id)) {
      expect(row.secretCipher).toMatch(/^v1\./);
      for (const secret of SECRET_VALUES) expect(row.secretCipher).not.toContain(secret);
      expect(JSON.stringify(row.settings)).not.toMatch(/password|authToken|PrivateKey|privateKey/);
    }
    // …and delivery gets them back decrypted
    const configs = await loadProviderConfigs(ws.id);
    expect(configs.email).toEqual({
      mode: "smtp",
      smtp: { host: "smtp.shop.example", port: 587, secure: false, user: "mailer", password: SMTP_PASSWORD },
      from: { address: "news@shop.example", name: "Shop" },
      replyTo: undefined,
    });
    expect(configs.sms).toEqual({
      baseUrl: "https://api.twilio.com",
      accountSid: VALID.sms.settings.accountSid,
      from: "+15005550006",
      authToken: VALID.sms.secrets.authToken,
    });
    expect(configs.web_push).toEqual({
      vapidPublicKey: VAPID_PUBLIC,
      subject: "mailto:ops@shop.example",
      vapidPrivateKey: VAPID_PRIVATE,
    });
    expect(configs.fcm).toEqual({
      projectId: "shop-app-1234",
      clientEmail: VALID.fcm.settings.clientEmail,
      tokenUrl: "https://oauth2.example/token",
      apiBaseUrl: "https://fcm.example",
      privateKey: FCM_KEY.trim(),
    });
    expect(await db().auditLog.count({ where: { workspaceId: ws.id, action: "channel.configured" } })).toBe(4);
  });

  it("an SMTP server without a password stores no secret", async () => {
    const ws = await createWorkspaceWithTeam("No password");
    const saved = await saveChannelConfig(await contextOf(ws, "ADMIN"), "email", {
      settings: { mode: "smtp", fromAddress: "a@shop.example", host: "127.0.0.1", port: 25 },
    });
    expect(saved.secretsSet).toEqual([]);
    expect((await rowsOf(ws.id))[0].secretCipher).toBeNull();
  });

  it("a blank or missing secret keeps the stored one, proven by sending through it", async () => {
    const twilio = await startTwilioServer();
    try {
      const s = await setup(undefined, { channel: "sms" });
      const settings = { baseUrl: twilio.url, accountSid: twilio.accountSid, from: "+15005550006" };
      await saveChannelConfig(s.owner, "sms", { settings, secrets: { authToken: twilio.authToken } });
      const cipher = (await rowsOf(s.ctx.workspace.id))[0].secretCipher;
      // change a setting, leave the secret blank, then leave it out
      expect(
        (
          await saveChannelConfig(s.owner, "sms", {
            settings: { ...settings, from: "+15005550007" },
            secrets: { authToken: "  " },
          })
        ).secretsSet,
      ).toEqual(["authToken"]);
      expect(
        (await saveChannelConfig(s.owner, "sms", { settings: { ...settings, from: "+15005550007" } })).secretsSet,
      ).toEqual(["authToken"]);
      expect((await loadProviderConfigs(s.ctx.workspace.id)).sms).toMatchObject({
        from: "+15005550007",
        authToken: twilio.authToken,
      });
      expect((await rowsOf(s.ctx.workspace.id))[0].secretCipher).not.toBe(cipher); // re-encrypted, fresh IV

      // the local Twilio server checks HTTP Basic auth with the token: the send succeeds with the kept one
      const id = await queueFor(s, "kept", { phone: "+15551239999" });
      expect(await deliverMessage(id, s.driver.clock)).toMatchObject({ outcome: "sent", status: "SENT" });
      expect(twilio.received.at(-1)).toMatchObject({
        auth: { user: twilio.accountSid, password: twilio.authToken },
        form: { From: "+15005550007", To: "+15551239999" },
      });

      // a new secret replaces it: the server now refuses, and the message fails with Twilio's answer
      await saveChannelConfig(s.owner, "sms", {
        settings: { ...settings, from: "+15005550007" },
        secrets: { authToken: "a-wrong-token" },
      });
      const refused = await queueFor(s, "kept", {});
      expect(await deliverMessage(refused, s.driver.clock)).toEqual({
        outcome: "failed",
        reason: "The provider answered: Twilio 401 (error 20003): Authenticate",
      });
      expect((await messageRow(refused)).status).toBe("FAILED");
    } finally {
      await twilio.close();
    }
  });

  it("a stored secret is not reused when the server it goes to changes: it must be typed again", async () => {
    const ws = await createWorkspaceWithTeam("Moved");
    const ctx = await contextOf(ws, "ADMIN");
    await saveChannelConfig(ctx, "email", VALID.email);
    await saveChannelConfig(ctx, "sms", VALID.sms);
    await saveChannelConfig(ctx, "fcm", VALID.fcm);
    const before = await rowsOf(ws.id);

    const email = await failure(
      saveChannelConfig(ctx, "email", {
        settings: { ...VALID.email.settings, host: "smtp.attacker.example" },
        secrets: { password: "" },
      }),
    );
    expect(email.fields).toEqual([
      {
        path: "secrets.password",
        message:
          "must be entered again because settings.host changed: a stored secret is only sent where it was saved for",
      },
    ]);
    const sms = await failure(
      saveChannelConfig(ctx, "sms", {
        settings: { ...VALID.sms.settings, baseUrl: "https://twilio.attacker.example" },
      }),
    );
    expect(sms.fields).toEqual([
      {
        path: "secrets.authToken",
        message:
          "must be entered again because settings.baseUrl changed: a stored secret is only sent where it was saved for",
      },
    ]);
    const fcm = await failure(
      saveChannelConfig(ctx, "fcm", {
        settings: { ...VALID.fcm.settings, tokenUrl: "https://a.example/token", apiBaseUrl: "https://b.example" },
      }),
    );
    expect(fcm.fields).toEqual([
      {
        path: "secrets.privateKey",
        message:
          "must be entered again because settings.tokenUrl and settings.apiBaseUrl changed: a stored secret is only sent where it was saved for",
      },
    ]);
    expect(await rowsOf(ws.id)).toEqual(before);

    // the same destination written differently (a trailing slash) is the same; other settings may change freely
    expect(
      (
        await saveChannelConfig(ctx, "fcm", {
          settings: { ...VALID.fcm.settings, tokenUrl: "https://oauth2.example/token//" },
        })
      ).secretsSet,
    ).toEqual(["privateKey"]);
    expect(
      (await saveChannelConfig(ctx, "email", { settings: { ...VALID.email.settings, port: 465, secure: true } }))
        .secretsSet,
    ).toEqual(["password"]);
    // typing the secret again moves it
    expect(
      (
        await saveChannelConfig(ctx, "sms", {
          settings: { ...VALID.sms.settings, baseUrl: "https://twilio.other.example" },
          secrets: { authToken: "token-for-the-other-host" },
        })
      ).secretsSet,
    ).toEqual(["authToken"]);
    expect((await loadProviderConfigs(ws.id)).sms).toMatchObject({
      baseUrl: "https://twilio.other.example",
      authToken: "token-for-the-other-host",
    });
  });
});

describe("validation", () => {
  async function fieldsOf(provider: string, input: unknown) {
    const before = await rowsOf(team.id);
    const error = await failure(saveChannelConfig(admin, provider, input));
    expect(error.code).toBe("validation");
    expect(await rowsOf(team.id)).toEqual(before);
    return error.fields;
  }

  it("email: each bad field by its path", async () => {
    expect(
      await fieldsOf("email", { settings: { mode: "smtp", fromAddress: "not-an-email", host: "h", port: 25 } }),
    ).toEqual([{ path: "settings.fromAddress", message: "must be an email address, e.g. news@example.com" }]);
    // every problem at once, the form's fields all marked
    expect(await fieldsOf("email", { settings: { mode: "smtp", fromAddress: "not-an-email" } })).toEqual([
      { path: "settings.fromAddress", message: "must be an email address, e.g. news@example.com" },
      { path: "settings.host", message: "is required for SMTP, e.g. smtp.example.com" },
      { path: "settings.port", message: "is required for SMTP, e.g. 587" },
    ]);
    expect(await fieldsOf("email", { settings: { mode: "smtp", fromAddress: "a@shop.example" } })).toEqual([
      { path: "settings.host", message: "is required for SMTP, e.g. smtp.example.com" },
      { path: "settings.port", message: "is required for SMTP, e.g. 587" },
    ]);
    expect(
      await fieldsOf("email", {
        settings: {
          mode: "pigeon",
          fromAddress: "a@shop.example",
          replyTo: "nope",
          port: 70000,
          secure: "yes",
          extra: 1,
        },
      }),
    ).toEqual([
      { path: "settings.mode", message: 'must be "embedded" (the local Outbox) or "smtp"' },
      { path: "settings.replyTo", message: "must be an email address, e.g. news@example.com" },
      { path: "settings.port", message: "must be 1–65535" },
      { path: "settings.secure", message: "Invalid input: expected boolean, received string" },
      { path: "settings", message: 'Unrecognized key: "extra"' },
    ]);
    expect(
      await fieldsOf("email", { settings: { mode: "smtp", fromAddress: "a@shop.example", host: "h", port: "abc" } }),
    ).toEqual([{ path: "settings.port", message: "must be a port number" }]);
  });

  it("sms: account SID, E.164 sender, base URL, the required auth token and unknown secrets", async () => {
    expect(
      await fieldsOf("sms", { settings: { accountSid: "SK123", from: "5551234567", baseUrl: "ftp://twilio" } }),
    ).toEqual([
      { path: "settings.baseUrl", message: "must be an http(s) URL" },
      { path: "settings.accountSid", message: "must be a Twilio account SID, starting with AC" },
      {
        path: "settings.from",
        message: "must be a phone number in E.164 form (+15551234567) or a Messaging Service SID (MG…)",
      },
    ]);
    expect(await fieldsOf("sms", { settings: VALID.sms.settings })).toEqual([
      { path: "secrets.authToken", message: "is required" },
    ]);
    expect(await fieldsOf("sms", { settings: VALID.sms.settings, secrets: { authToken: "  ", apiKey: "x" } })).toEqual([
      { path: "secrets.apiKey", message: "is not a secret of sms; expected authToken" },
      { path: "secrets.authToken", message: "is required" },
    ]);
    // a Messaging Service SID is a valid sender
    expect(
      (
        await saveChannelConfig(admin, "sms", {
          settings: { ...VALID.sms.settings, from: "MG0123456789abcdef0123456789abcdef" },
          secrets: VALID.sms.secrets,
        })
      ).settings.from,
    ).toBe("MG0123456789abcdef0123456789abcdef");
  });

  it("web push: VAPID keys and subject", async () => {
    expect(
      await fieldsOf("web_push", {
        settings: { vapidPublicKey: "short", subject: "ops@shop.example" },
        secrets: { vapidPrivateKey: "also short" },
      }),
    ).toEqual([
      { path: "settings.vapidPublicKey", message: "must be a VAPID public key (base64url, 87 characters)" },
      { path: "settings.subject", message: "must be mailto:you@example.com or an https URL" },
      { path: "secrets.vapidPrivateKey", message: "must be a VAPID private key (base64url, 43 characters)" },
    ]);
    expect(await fieldsOf("web_push", { settings: VALID.web_push.settings, secrets: {} })).toEqual([
      { path: "secrets.vapidPrivateKey", message: "is required" },
    ]);
  });

  it("FCM: project id, client email, a PEM private key", async () => {
    expect(
      await fieldsOf("fcm", {
        settings: { projectId: "My Project", clientEmail: "nope", tokenUrl: "oauth2" },
        secrets: { privateKey: "not a pem" },
      }),
    ).toEqual([
      { path: "settings.projectId", message: "must be a Firebase project id, e.g. my-app-1234" },
      { path: "settings.clientEmail", message: "must be an email address, e.g. news@example.com" },
      { path: "settings.tokenUrl", message: "must be an http(s) URL" },
      {
        path: "secrets.privateKey",
        message: "must be the service account's private_key (PEM, -----BEGIN PRIVATE KEY-----…)",
      },
    ]);
  });

  it("a destination that is a literal IP the outbound guard refuses is a 422 naming the field, and nothing is stored; names are left to connect time", async () => {
    const why = (address: string, range: string) =>
      `the address ${address} is ${range}; an operator can allow it with CAIRN_OUTBOUND_ALLOW`;
    expect(
      await fieldsOf("sms", {
        settings: { ...VALID.sms.settings, baseUrl: "http://169.254.169.254/latest" },
        secrets: VALID.sms.secrets,
      }),
    ).toEqual([{ path: "settings.baseUrl", message: why("169.254.169.254", "a cloud metadata address") }]);
    expect(
      await fieldsOf("fcm", {
        settings: {
          ...VALID.fcm.settings,
          tokenUrl: "http://[::ffff:10.0.0.1]/token",
          apiBaseUrl: "http://0xa9.0xfe.0xa9.0xfe",
        },
        secrets: VALID.fcm.secrets,
      }),
    ).toEqual([
      { path: "settings.tokenUrl", message: why("::ffff:a00:1", "private (as 10.0.0.1 inside an IPv6 address)") },
      { path: "settings.apiBaseUrl", message: why("169.254.169.254", "a cloud metadata address") },
    ]);
    expect(
      await fieldsOf("email", { ...VALID.email, settings: { ...VALID.email.settings, host: "10.0.0.5" } }),
    ).toEqual([{ path: "settings.host", message: why("10.0.0.5", "private") }]);
    expect(
      await fieldsOf("email", { ...VALID.email, settings: { ...VALID.email.settings, host: "fd00:ec2::254" } }),
    ).toEqual([{ path: "settings.host", message: why("fd00:ec2::254", "a cloud metadata address") }]);
    // a host name is saved: the guard judges what it resolves to when it connects
    expect(
      (
        await saveChannelConfig(admin, "sms", {
          settings: { ...VALID.sms.settings, baseUrl: "https://twilio.internal.example" },
          secrets: VALID.sms.secrets,
        })
      ).settings.baseUrl,
    ).toBe("https://twilio.internal.example");
  });

  it("the envelope: settings must be an object, secrets text, nothing else", async () => {
    expect(await fieldsOf("sms", { settings: "AC123", secrets: { authToken: 42 }, owner: "me" })).toEqual([
      { path: "settings", message: "must be an object" },
      { path: "secrets.authToken", message: "must be text" },
      { path: "", message: 'Unrecognized key: "owner"' },
    ]);
  });

  it("an unknown provider is a 404", async () => {
    const error = await failure(saveChannelConfig(admin, "fax", VALID.sms));
    expect(error).toMatchObject({
      code: "not_found",
      message: 'No channel provider "fax": use one of email, sms, web_push, fcm.',
    });
  });
});

describe("who may", () => {
  it("editors, viewers and API keys may not read, save or remove channel settings", async () => {
    const ws = await createWorkspaceWithTeam("Roles");
    await saveChannelConfig(await contextOf(ws, "OWNER"), "sms", VALID.sms);
    const before = await rowsOf(ws.id);
    const fixture = await ingestFixture("FULL");
    const others = [
      await contextOf(ws, "EDITOR"),
      await contextOf(ws, "VIEWER"),
      await workspaceContextForApiKey(fixture.key),
    ];
    for (const ctx of others) {
      expect((await failure(saveChannelConfig(ctx, "sms", VALID.sms))).code).toBe("forbidden");
      expect((await failure(listChannelConfigs(ctx))).code).toBe("forbidden");
      expect((await failure(deleteChannelConfig(ctx, "sms"))).code).toBe("forbidden");
    }
    expect(await rowsOf(ws.id)).toEqual(before);
    // admins may
    expect((await listChannelConfigs(await contextOf(ws, "ADMIN"))).map((c) => c.provider)).toEqual(["sms"]);
  });
});

describe("removing", () => {
  it("removes a provider's settings; removing an absent one or an unknown provider is a 404", async () => {
    const ws = await createWorkspaceWithTeam("Remove");
    const ctx = await contextOf(ws, "ADMIN");
    await saveChannelConfig(ctx, "web_push", VALID.web_push);
    await deleteChannelConfig(ctx, "web_push");
    expect(await rowsOf(ws.id)).toEqual([]);
    expect((await loadProviderConfigs(ws.id)).web_push).toBeNull();
    expect(
      await db().auditLog.count({ where: { workspaceId: ws.id, action: "channel.removed", targetId: "web_push" } }),
    ).toBe(1);
    expect(await failure(deleteChannelConfig(ctx, "web_push"))).toMatchObject({
      code: "not_found",
      message: "The web_push channel is not configured.",
    });
    expect(await failure(deleteChannelConfig(ctx, "sms"))).toMatchObject({
      code: "not_found",
      message: "The sms channel is not configured.",
    });
    expect(await failure(deleteChannelConfig(ctx, "carrier-pigeon"))).toMatchObject({ code: "not_found" });
    expect(await db().auditLog.count({ where: { workspaceId: ws.id, action: "channel.removed" } })).toBe(1);
  });

  it("another workspace's settings are untouched", async () => {
    const a = await createWorkspaceWithTeam("A");
    const b = await createWorkspaceWithTeam("B");
    await saveChannelConfig(await contextOf(a, "ADMIN"), "sms", VALID.sms);
    expect(await failure(deleteChannelConfig(await contextOf(b, "ADMIN"), "sms"))).toMatchObject({ code: "not_found" });
    expect(await listChannelConfigs(await contextOf(b, "ADMIN"))).toEqual([]);
    expect(await rowsOf(a.id)).toHaveLength(1);
  });
});
