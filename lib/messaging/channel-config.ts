import webpush from "web-push";
import { z } from "zod";
import { recordAudit } from "../audit/audit-log";
import { actorLabel, requirePermission, type WorkspaceContext } from "../auth/context";
import { db } from "../db/client";
import { pgPool } from "../db/pool";
import { AppError, parseInput } from "../errors";
import { decryptSecret, encryptSecret } from "../security/encryption";
import { literalAddressProblem } from "../security/outbound";
import { ReadCache } from "../runtime/read-cache";
import { verifySmtp, type SmtpVerifyResult } from "./providers/smtp";
import { selectChannelConfigRows } from "./store/channel-configs";
import type { FcmConfig, SmtpConfig, TwilioConfig, WebPushConfig } from "./providers/types";

/**
 * Channel providers per workspace (Settings → Channels). Each provider has settings that may be shown and
 * secrets that are encrypted at rest and never sent back to the browser: the page learns only which
 * secrets are set, and leaving a secret blank when saving keeps the stored one.
 *
 * Email works out of the box: with no configuration (or mode "embedded") it goes to the local SMTP server
 * that `npm run dev` / `npm start` run, and shows on the Outbox page.
 */
export const PROVIDERS = ["email", "sms", "web_push", "fcm"] as const;
export type ProviderName = (typeof PROVIDERS)[number];

const ZEmailAddress = z.email("must be an email address, e.g. news@example.com").max(254);
const ZHttpUrl = z
  .string()
  .trim()
  .refine((v) => /^https?:\/\/[^\s/]+/.test(v), "must be an http(s) URL")
  .transform((v) => v.replace(/\/+$/, ""));
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === "" || v === null ? undefined : v), schema.optional());

const ZEmailSettings = z
  .object({
    mode: z.enum(["embedded", "smtp"], { error: 'must be "embedded" (the local Outbox) or "smtp"' }),
    fromAddress: ZEmailAddress,
    fromName: optional(z.string().trim().max(100, "at most 100 characters")),
    replyTo: optional(ZEmailAddress),
    host: optional(z.string().trim().min(1).max(255, "at most 255 characters")),
    port: optional(
      z.coerce.number({ error: "must be a port number" }).int().min(1, "must be 1–65535").max(65535, "must be 1–65535"),
    ),
    secure: z.boolean().default(false),
    user: optional(z.string().max(255, "at most 255 characters")),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.mode !== "smtp") return;
    if (!s.host)
      ctx.addIssue({ code: "custom", path: ["host"], message: "is required for SMTP, e.g. smtp.example.com" });
    if (!s.port) ctx.addIssue({ code: "custom", path: ["port"], message: "is required for SMTP, e.g. 587" });
  });
const ZSmsSettings = z
  .object({
    baseUrl: ZHttpUrl.default("https://api.twilio.com"),
    accountSid: z
      .string()
      .trim()
      .regex(/^AC[0-9a-zA-Z]{8,}$/, "must be a Twilio account SID, starting with AC"),
    from: z
      .string()
      .trim()
      .regex(
        /^(\+[1-9]\d{6,14}|MG[0-9a-zA-Z]{8,})$/,
        "must be a phone number in E.164 form (+15551234567) or a Messaging Service SID (MG…)",
      ),
  })
  .strict();
const ZWebPushSettings = z
  .object({
    vapidPublicKey: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_-]{80,100}$/, "must be a VAPID public key (base64url, 87 characters)"),
    subject: z
      .string()
      .trim()
      .refine(
        (v) => /^mailto:\S+@\S+$/.test(v) || /^https:\/\/\S+$/.test(v),
        "must be mailto:you@example.com or an https URL",
      ),
  })
  .strict();
const ZFcmSettings = z
  .object({
    projectId: z
      .string()
      .trim()
      .regex(/^[a-z][a-z0-9-]{4,29}$/, "must be a Firebase project id, e.g. my-app-1234"),
    clientEmail: ZEmailAddress,
    tokenUrl: optional(ZHttpUrl),
    apiBaseUrl: optional(ZHttpUrl),
  })
  .strict();

const SETTINGS_SCHEMAS = {
  email: ZEmailSettings,
  sms: ZSmsSettings,
  web_push: ZWebPushSettings,
  fcm: ZFcmSettings,
} as const;

/** Each provider's secret fields; the value a provider needs to send, checked when saving. */
const SECRET_FIELDS: Record<
  ProviderName,
  { name: string; requiredFor?: (settings: Record<string, unknown>) => boolean; pattern?: [RegExp, string] }[]
> = {
  email: [{ name: "password" }],
  sms: [{ name: "authToken", requiredFor: () => true }],
  web_push: [
    {
      name: "vapidPrivateKey",
      requiredFor: () => true,
      pattern: [/^[A-Za-z0-9_-]{40,50}$/, "must be a VAPID private key (base64url, 43 characters)"],
    },
  ],
  fcm: [
    {
      name: "privateKey",
      requiredFor: () => true,
      pattern: [
        /-----BEGIN PRIVATE KEY-----[\s\S]+-----END PRIVATE KEY-----/,
        "must be the service account's private_key (PEM, -----BEGIN PRIVATE KEY-----…)",
      ],
    },
  ],
};

export const ZChannelConfigInput = z
  .object({
    settings: z.record(z.string(), z.unknown(), { error: "must be an object" }),
    /** blank or missing: keep the stored secret */
    secrets: z.record(z.string(), z.string({ error: "must be text" })).default({}),
  })
  .strict();

export interface ChannelConfigView {
  provider: ProviderName;
  settings: Record<string, unknown>;
  /** names of the secrets that are stored (their values never leave the server) */
  secretsSet: string[];
  updatedAt: string;
  updatedByLabel: string;
}

function parseProvider(provider: string): ProviderName {
  if (!(PROVIDERS as readonly string[]).includes(provider))
    throw new AppError("not_found", `No channel provider "${provider}": use one of ${PROVIDERS.join(", ")}.`);
  return provider as ProviderName;
}

function readSecrets(cipher: string | null): Record<string, string> {
  return cipher ? (JSON.parse(decryptSecret(cipher)) as Record<string, string>) : {};
}

async function channelConfigViews(workspaceId: string): Promise<ChannelConfigView[]> {
  const rows = await db().channelConfig.findMany({ where: { workspaceId }, orderBy: { provider: "asc" } });
  return rows.map((row) => ({
    provider: row.provider as ProviderName,
    settings: row.settings as Record<string, unknown>,
    secretsSet: Object.entries(readSecrets(row.secretCipher))
      .filter(([, v]) => v)
      .map(([k]) => k),
    updatedAt: row.updatedAt.toISOString(),
    updatedByLabel: row.updatedByLabel,
  }));
}

export async function listChannelConfigs(ctx: WorkspaceContext): Promise<ChannelConfigView[]> {
  requirePermission(ctx, "settings:manage");
  return channelConfigViews(ctx.workspace.id);
}

/**
 * The settings that say where a provider's secrets go. Changing one without typing the secret again would
 * send the stored secret to the new server (the SMTP password to another host, the Twilio auth token to
 * another API URL, FCM access tokens to another API), so a stored secret is kept only while they stay.
 */
const SECRET_DESTINATION: Record<ProviderName, string[]> = {
  email: ["host"],
  sms: ["baseUrl"],
  web_push: [],
  fcm: ["tokenUrl", "apiBaseUrl"],
};

/**
 * The settings that say where Cairn connects (SECRET_DESTINATION's, and the SMTP port with the host): a
 * literal IP the outbound guard would refuse (lib/security/outbound.ts) is refused when saving, naming the
 * field. Host names are judged when they are resolved, at each connection: that check is the real guard.
 */
function destinationProblems(
  provider: ProviderName,
  settings: Record<string, unknown>,
): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  if (provider === "email" && settings.mode !== "smtp") return issues; // the embedded server is the operator's
  for (const key of SECRET_DESTINATION[provider]) {
    const value = settings[key];
    if (typeof value !== "string" || !value) continue;
    const target =
      provider === "email" && typeof settings.port === "number"
        ? `http://${value.includes(":") && !value.startsWith("[") ? `[${value}]` : value}:${settings.port}`
        : value;
    const problem = literalAddressProblem(target);
    if (problem) issues.push({ path: `settings.${key}`, message: problem });
  }
  return issues;
}

export async function saveChannelConfig(
  ctx: WorkspaceContext,
  providerParam: string,
  input: unknown,
): Promise<ChannelConfigView> {
  requirePermission(ctx, "settings:manage");
  const provider = parseProvider(providerParam);
  const body = parseInput(ZChannelConfigInput, input);
  const settingsResult = SETTINGS_SCHEMAS[provider].safeParse(body.settings);
  const issues: { path: string; message: string }[] = [];
  if (!settingsResult.success)
    for (const issue of settingsResult.error.issues)
      issues.push({ path: ["settings", ...issue.path.map(String)].join("."), message: issue.message });
  const existing = await db().channelConfig.findUnique({
    where: { workspaceId_provider: { workspaceId: ctx.workspace.id, provider } },
  });
  const stored = readSecrets(existing?.secretCipher ?? null);
  const previous = (existing?.settings ?? {}) as Record<string, unknown>;
  const moved =
    existing && settingsResult.success
      ? SECRET_DESTINATION[provider].filter(
          (key) => previous[key] !== (settingsResult.data as Record<string, unknown>)[key],
        )
      : [];
  const secrets: Record<string, string> = {};
  const fields = SECRET_FIELDS[provider];
  for (const name of Object.keys(body.secrets))
    if (!fields.some((f) => f.name === name))
      issues.push({
        path: `secrets.${name}`,
        message: `is not a secret of ${provider}; expected ${fields.map((f) => f.name).join(", ")}`,
      });
  for (const field of fields) {
    const given = body.secrets[field.name]?.trim();
    if (!given && stored[field.name] && moved.length) {
      issues.push({
        path: `secrets.${field.name}`,
        message: `must be entered again because ${moved.map((key) => `settings.${key}`).join(" and ")} changed: a stored secret is only sent where it was saved for`,
      });
      continue;
    }
    const value = given || stored[field.name] || "";
    if (given && field.pattern && !field.pattern[0].test(given))
      issues.push({ path: `secrets.${field.name}`, message: field.pattern[1] });
    if (!value && settingsResult.success && field.requiredFor?.(settingsResult.data as Record<string, unknown>))
      issues.push({ path: `secrets.${field.name}`, message: "is required" });
    if (value) secrets[field.name] = value;
  }
  if (settingsResult.success)
    issues.push(...destinationProblems(provider, settingsResult.data as Record<string, unknown>));
  if (issues.length || !settingsResult.success) throw AppError.validation(issues);
  const settings = settingsResult.data as Record<string, unknown>;
  const data = {
    settings: settings as object,
    secretCipher: Object.keys(secrets).length ? encryptSecret(JSON.stringify(secrets)) : null,
    updatedAt: new Date(),
    updatedByLabel: actorLabel(ctx.actor),
  };
  await db().$transaction(async (tx) => {
    await tx.channelConfig.upsert({
      where: { workspaceId_provider: { workspaceId: ctx.workspace.id, provider } },
      create: { workspaceId: ctx.workspace.id, provider, ...data },
      update: data,
    });
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "channel.configured",
      targetType: "channel",
      targetId: provider,
      summary: `Configured the ${provider.replace("_", " ")} channel`,
    });
  });
  forgetProviderConfigs(ctx.workspace.id);
  return (await listChannelConfigs(ctx)).find((c) => c.provider === provider)!;
}

export async function deleteChannelConfig(ctx: WorkspaceContext, providerParam: string): Promise<void> {
  requirePermission(ctx, "settings:manage");
  const provider = parseProvider(providerParam);
  await db().$transaction(async (tx) => {
    const { count } = await tx.channelConfig.deleteMany({ where: { workspaceId: ctx.workspace.id, provider } });
    if (!count) throw new AppError("not_found", `The ${provider} channel is not configured.`);
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "channel.removed",
      targetType: "channel",
      targetId: provider,
      summary: `Removed the ${provider.replace("_", " ")} channel's settings`,
    });
  });
  forgetProviderConfigs(ctx.workspace.id);
}

// ---------------------------------------------------------------------------------------------------------
// What delivery uses: decrypted, typed configs.

export interface EmailSender {
  /** "embedded": the local SMTP server and its Outbox page; "smtp": the workspace's server */
  mode: "embedded" | "smtp";
  smtp: SmtpConfig;
  from: { address: string; name?: string };
  replyTo?: string;
}

/** The embedded SMTP server's address, set by scripts/cairn.ts (CAIRN_EMBEDDED_SMTP=host:port). */
export function embeddedSmtp(env: NodeJS.ProcessEnv = process.env): SmtpConfig | null {
  const value = env.CAIRN_EMBEDDED_SMTP;
  if (!value || value === "off") return null;
  const [host, port] = value.split(":");
  // The Outbox takes only authenticated mail (lib/messaging/outbox-smtp.ts); the password comes in its own
  // variable, never inside CAIRN_EMBEDDED_SMTP, which is shown in messages. Without one, no AUTH is tried.
  const password = env.CAIRN_EMBEDDED_SMTP_PASSWORD;
  return {
    host,
    port: Number(port),
    secure: false,
    ...(password ? { user: "cairn" /* OUTBOX_SMTP_USER */, password } : {}),
  };
}

export type ProviderConfigs = {
  email: EmailSender | null;
  sms: TwilioConfig | null;
  web_push: WebPushConfig | null;
  fcm: FcmConfig | null;
};

/**
 * How long an instance may go on using a workspace's channel configs after another instance saved new ones (the
 * saving instance drops its own entry at once). Every delivery reads them: cached, a send costs no query and no
 * decryption of the secrets (done once per entry).
 */
export const PROVIDER_CONFIGS_TTL_MS = 5_000;
const providerConfigsCache = new ReadCache<string, ProviderConfigs>({
  maxEntries: 10_000,
  ttlMs: PROVIDER_CONFIGS_TTL_MS,
});

/**
 * The workspace's channels as delivery uses them: decrypted and typed, shared by every caller in this process for
 * up to PROVIDER_CONFIGS_TTL_MS (do not change the object). `now` (ms) is when the cache entry is judged fresh.
 */
export function loadProviderConfigs(workspaceId: string, now: number = Date.now()): Promise<ProviderConfigs> {
  // the embedded server's address is part of the entry: a process whose environment names another one reads again
  const embedded = `${process.env.CAIRN_EMBEDDED_SMTP ?? ""}|${process.env.CAIRN_EMBEDDED_SMTP_PASSWORD ?? ""}`;
  return providerConfigsCache.get(`${workspaceId}|${embedded}`, () => readProviderConfigs(workspaceId), now);
}

/** Drops this process's cached channel configs of the workspace (after a save or a removal committed). */
export function forgetProviderConfigs(workspaceId: string): void {
  providerConfigsCache.clear((key) => key.startsWith(`${workspaceId}|`));
}

async function readProviderConfigs(workspaceId: string): Promise<ProviderConfigs> {
  const rows = await selectChannelConfigRows(pgPool(), workspaceId);
  const byProvider = new Map(
    rows.map((r) => [
      r.provider,
      { settings: r.settings as Record<string, string>, secrets: readSecrets(r.secretCipher) },
    ]),
  );
  const configs: ProviderConfigs = { email: null, sms: null, web_push: null, fcm: null };

  const email = byProvider.get("email");
  const local = embeddedSmtp();
  if (email && email.settings.mode === "smtp") {
    const s = email.settings as unknown as z.output<typeof ZEmailSettings>;
    configs.email = {
      mode: "smtp",
      smtp: { host: s.host!, port: s.port!, secure: s.secure, user: s.user, password: email.secrets.password },
      from: { address: s.fromAddress, name: s.fromName },
      replyTo: s.replyTo,
    };
  } else if (local) {
    const s = email?.settings as unknown as z.output<typeof ZEmailSettings> | undefined;
    configs.email = {
      mode: "embedded",
      smtp: local,
      from: { address: s?.fromAddress ?? "hello@cairn.local", name: s?.fromName ?? "Cairn" },
      replyTo: s?.replyTo,
    };
  }
  const sms = byProvider.get("sms");
  if (sms)
    configs.sms = {
      baseUrl: sms.settings.baseUrl,
      accountSid: sms.settings.accountSid,
      from: sms.settings.from,
      authToken: sms.secrets.authToken,
    };
  const webPush = byProvider.get("web_push");
  if (webPush)
    configs.web_push = {
      vapidPublicKey: webPush.settings.vapidPublicKey,
      subject: webPush.settings.subject,
      vapidPrivateKey: webPush.secrets.vapidPrivateKey,
    };
  const fcm = byProvider.get("fcm");
  if (fcm)
    configs.fcm = {
      projectId: fcm.settings.projectId,
      clientEmail: fcm.settings.clientEmail,
      tokenUrl: fcm.settings.tokenUrl,
      apiBaseUrl: fcm.settings.apiBaseUrl,
      privateKey: fcm.secrets.privateKey,
    };
  return configs;
}

// ---------------------------------------------------------------------------------------------------------
// Settings → Channels: reading for every member, testing and key generation for admins.

/**
 * The configured channels as every member may see them (the Settings page is read-only below admin): the
 * settings, who configured them and when, and only the names of the stored secrets.
 */
export async function viewChannelConfigs(ctx: WorkspaceContext): Promise<ChannelConfigView[]> {
  requirePermission(ctx, "workspace:read");
  return channelConfigViews(ctx.workspace.id);
}

const TEST_TIMEOUT_MS = 10_000;

/**
 * "Test connection" for email: connects to the SMTP server in `input` (the form as it is, saved or not) and
 * authenticates when a username is given. A blank password uses the stored one, as saving would. Mode
 * "embedded" checks the local Outbox server. Invalid settings are a 422 naming the fields, like saving;
 * a server that cannot be reached or refuses the login is a normal answer `{ ok: false, error }` in words.
 */
export async function testEmailConnection(ctx: WorkspaceContext, input: unknown): Promise<SmtpVerifyResult> {
  requirePermission(ctx, "settings:manage");
  const body = parseInput(ZChannelConfigInput, input);
  const issues: { path: string; message: string }[] = [];
  const parsed = ZEmailSettings.safeParse(body.settings);
  if (!parsed.success)
    for (const issue of parsed.error.issues)
      issues.push({ path: ["settings", ...issue.path.map(String)].join("."), message: issue.message });
  for (const name of Object.keys(body.secrets))
    if (name !== "password")
      issues.push({ path: `secrets.${name}`, message: "is not a secret of email; expected password" });
  if (parsed.success && parsed.data.mode === "smtp") issues.push(...destinationProblems("email", parsed.data));
  if (issues.length || !parsed.success) throw AppError.validation(issues);
  const settings = parsed.data;
  if (settings.mode === "embedded") {
    const local = embeddedSmtp();
    if (!local)
      return {
        ok: false,
        error:
          "The embedded SMTP server is not running (CAIRN_EMBEDDED_SMTP is unset or off): start Cairn with `npm run dev` or `npm start`, or configure an SMTP server.",
      };
    return verifySmtp(local, { timeoutMs: TEST_TIMEOUT_MS });
  }
  let password = body.secrets.password?.trim();
  if (!password) {
    // the stored password is only ever sent to the host it was saved for (as saveChannelConfig keeps it)
    const existing = await db().channelConfig.findUnique({
      where: { workspaceId_provider: { workspaceId: ctx.workspace.id, provider: "email" } },
    });
    const stored = readSecrets(existing?.secretCipher ?? null).password;
    if (stored && (existing?.settings as Record<string, unknown> | undefined)?.host !== settings.host) {
      throw AppError.field(
        "secrets.password",
        "must be entered again because settings.host changed: a stored secret is only sent where it was saved for",
      );
    }
    password = stored;
  }
  return verifySmtp(
    { host: settings.host!, port: settings.port!, secure: settings.secure, user: settings.user || undefined, password },
    { timeoutMs: TEST_TIMEOUT_MS },
  );
}

/**
 * A fresh VAPID key pair for the Web Push form. Nothing is stored: the private key goes to the browser this
 * once, to fill the secret field, and is kept only when the admin saves the form.
 */
export function generateWebPushKeys(ctx: WorkspaceContext): { vapidPublicKey: string; vapidPrivateKey: string } {
  requirePermission(ctx, "settings:manage");
  const keys = webpush.generateVAPIDKeys();
  return { vapidPublicKey: keys.publicKey, vapidPrivateKey: keys.privateKey };
}
