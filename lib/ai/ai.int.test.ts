import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GET as statusGet } from "@/app/api/workspaces/[slug]/ai/route";
import { POST as draftsPost } from "@/app/api/workspaces/[slug]/ai/drafts/route";
import { DELETE as providerDelete, PUT as providerPut } from "@/app/api/workspaces/[slug]/ai/provider/route";
import { POST as testPost } from "@/app/api/workspaces/[slug]/ai/provider/test/route";
import { GET as settingsGet, PATCH as settingsPatch } from "@/app/api/workspaces/[slug]/ai/settings/route";
import { POST as variantsPost } from "@/app/api/workspaces/[slug]/ai/variants/route";
import { createPeople } from "../broadcasts/broadcast-fixtures";
import { db } from "../db/client";
import { callRoute } from "../testing/call-route";
import { createWorkspaceWithTeam, sessionCookie, type TestWorkspace } from "../testing/factories";
import { createTemplate } from "../messaging/templates/create-template";
import { contextOf } from "../testing/factories";
import { chat, type OpenAiCompatibleServer, startOpenAiCompatibleServer } from "../testing/openai-compatible-server";
import { chatCompletion } from "./client";
import { draftCopy, rewriteField } from "./drafts";
import { monthUsage } from "./usage";

/**
 * AI drafts against a real local OpenAI-compatible server (lib/testing/openai-compatible-server.ts), through the
 * real `openai` client and the real outbound guard (loopback allowed by the tests' CAIRN_OUTBOUND_ALLOW, as an
 * operator would): provider settings, drafts and their checks, what the prompt carries, usage and its limit, and
 * every provider failure mapped to words a person can act on.
 */

let server: OpenAiCompatibleServer;
beforeAll(async () => {
  server = await startOpenAiCompatibleServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const EMAIL = {
  subject: "Spring is here, {{ profile.traits.first_name | default: 'friend' }}",
  html: "<p>Our spring collection is in.</p>",
};

async function world(connect = true) {
  const team = await createWorkspaceWithTeam("AI");
  const slug = team.slug;
  const cookies = {
    ADMIN: await sessionCookie(team.members.ADMIN),
    EDITOR: await sessionCookie(team.members.EDITOR),
  };
  const editor = await contextOf(team, "EDITOR");
  const template = await createTemplate(editor, { name: "Spring launch", channel: "email", content: EMAIL });
  if (connect) {
    const saved = await putProvider(team, cookies.ADMIN, {
      baseUrl: server.baseUrl,
      model: server.models[0],
      apiKey: server.apiKey,
    });
    expect(saved.status).toBe(200);
  }
  return { team, slug, cookies, editor, template };
}

function putProvider(team: TestWorkspace, cookie: string, body: unknown) {
  return callRoute(providerPut, {
    method: "PUT",
    path: `/api/workspaces/${team.slug}/ai/provider`,
    params: { slug: team.slug },
    cookie,
    body,
  });
}

const patchSettings = (slug: string, cookie: string, body: unknown) =>
  callRoute(settingsPatch, {
    method: "PATCH",
    path: `/api/workspaces/${slug}/ai/settings`,
    params: { slug },
    cookie,
    body,
  });

const draftsRoute = (slug: string, cookie: string, body: unknown) =>
  callRoute(draftsPost, { method: "POST", path: `/api/workspaces/${slug}/ai/drafts`, params: { slug }, cookie, body });

describe("Settings → AI: the provider", () => {
  it("stores the key encrypted, never answers it (only set and last 4), admins only, audited", async () => {
    const { team, slug, cookies } = await world();
    const row = await db().llmProvider.findUniqueOrThrow({ where: { workspaceId: team.id } });
    expect(row.apiKeyCipher).toMatch(/^v1\./);
    expect(row.apiKeyCipher).not.toContain(server.apiKey);
    const settings = await callRoute(settingsGet, {
      path: `/api/workspaces/${slug}/ai/settings`,
      params: { slug },
      cookie: cookies.ADMIN,
    });
    expect(settings.status).toBe(200);
    expect(settings.body.provider).toMatchObject({
      baseUrl: server.baseUrl,
      model: "cairn-test-model",
      apiKey: { set: true, last4: server.apiKey.slice(-4) },
    });
    expect(JSON.stringify(settings.body)).not.toContain(server.apiKey);
    // an editor neither reads nor changes the settings; the editor's status says only whether AI is connected
    expect(
      (
        await callRoute(settingsGet, {
          path: `/api/workspaces/${slug}/ai/settings`,
          params: { slug },
          cookie: cookies.EDITOR,
        })
      ).status,
    ).toBe(403);
    expect((await putProvider(team, cookies.EDITOR, { baseUrl: "https://api.openai.com/v1", model: "x" })).status).toBe(
      403,
    );
    const status = await callRoute(statusGet, {
      path: `/api/workspaces/${slug}/ai`,
      params: { slug },
      cookie: cookies.EDITOR,
    });
    expect(status.body).toMatchObject({
      connected: true,
      model: "cairn-test-model",
      usage: { totalTokens: 0, limit: 200_000 },
    });
    expect(JSON.stringify(status.body)).not.toContain(server.apiKey);

    // omitting the key keeps it; the audit log never holds it
    expect(
      (await putProvider(team, cookies.ADMIN, { baseUrl: server.baseUrl, model: "cairn-test-model" })).body.apiKey.set,
    ).toBe(true);
    const audit = await db().auditLog.findMany({ where: { workspaceId: team.id, action: { startsWith: "ai." } } });
    expect(audit.length).toBe(2);
    expect(JSON.stringify(audit)).not.toContain(server.apiKey);

    // Test connection makes one tiny call
    server.script(chat("OK", { prompt_tokens: 9, completion_tokens: 1 }));
    const tested = await callRoute(testPost, {
      method: "POST",
      path: `/api/workspaces/${slug}/ai/provider/test`,
      params: { slug },
      cookie: cookies.ADMIN,
    });
    expect(tested.body).toMatchObject({ ok: true, model: "cairn-test-model", reply: "OK" });
    expect(server.requests.at(-1)?.headers.authorization).toBe(`Bearer ${server.apiKey}`);

    const removed = await callRoute(providerDelete, {
      method: "DELETE",
      path: `/api/workspaces/${slug}/ai/provider`,
      params: { slug },
      cookie: cookies.ADMIN,
    });
    expect(removed.body).toEqual({ deleted: true });
    expect(await db().llmProvider.count({ where: { workspaceId: team.id } })).toBe(0);
  });

  it("refuses bad input naming the field, a base URL the guard refuses, and stores nothing", async () => {
    const { team, cookies } = await world(false);
    const cases: [unknown, string][] = [
      [{ baseUrl: "ftp://example.com", model: "m" }, "baseUrl"],
      [{ baseUrl: "https://user:pw@example.com/v1", model: "m" }, "baseUrl"],
      [{ baseUrl: "http://169.254.169.254/v1", model: "m" }, "baseUrl"],
      [{ baseUrl: "https://api.openai.com/v1", model: "two words" }, "model"],
      [{ baseUrl: "https://api.openai.com/v1", model: "m", apiKey: "has space" }, "apiKey"],
      [{ baseUrl: "https://api.openai.com/v1", model: "m", extra: 1 }, ""],
    ];
    for (const [body, path] of cases) {
      const answer = await putProvider(team, cookies.ADMIN, body);
      expect(answer.status, JSON.stringify(body)).toBe(422);
      expect(answer.body.error.fields[0].path, JSON.stringify(body)).toBe(path);
    }
    const metadata = await putProvider(team, cookies.ADMIN, { baseUrl: "http://169.254.169.254/v1", model: "m" });
    expect(metadata.body.error.fields[0].message).toMatch(/cloud metadata address/);
    expect(await db().llmProvider.count({ where: { workspaceId: team.id } })).toBe(0);

    // a name resolving to loopback passes the save (names are judged when called) and is refused at call time
    // when the operator did not allow it
    expect(
      (
        await putProvider(team, cookies.ADMIN, {
          baseUrl: `http://localhost:${server.port}/v1`,
          model: "cairn-test-model",
          apiKey: server.apiKey,
        })
      ).status,
    ).toBe(200);
    const saved = process.env.CAIRN_OUTBOUND_ALLOW;
    process.env.CAIRN_OUTBOUND_ALLOW = "";
    const before = server.requests.length;
    try {
      const error = await chatCompletion(team.id, [{ role: "user", content: "hi" }]).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "validation", fields: [{ path: "baseUrl" }] });
      expect((error as Error).message).toMatch(
        /^baseUrl: The AI provider was not called: the address .* of localhost is loopback/,
      );
    } finally {
      process.env.CAIRN_OUTBOUND_ALLOW = saved;
    }
    expect(server.requests.length).toBe(before);

    // settings: bad values named, nothing changed
    const bad = await patchSettings(team.slug, cookies.ADMIN, {
      aiMonthlyTokenLimit: -1,
      templateApproveRole: "VIEWER",
      bannedPhrases: [{ phrase: "x" }],
      brandVoice: "v".repeat(4_001),
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.fields.map((f: { path: string }) => f.path).sort()).toEqual([
      "aiMonthlyTokenLimit",
      "bannedPhrases.0.phrase",
      "brandVoice",
      "templateApproveRole",
    ]);
    expect(await db().workspace.findUniqueOrThrow({ where: { id: team.id } })).toMatchObject({
      aiMonthlyTokenLimit: 200_000,
      templateApproveRole: "ADMIN",
      brandVoice: "",
    });
  });

  it("another workspace's admin reaches neither this workspace's settings nor its provider", async () => {
    const { slug } = await world();
    const other = await createWorkspaceWithTeam("Other");
    const theirAdmin = await sessionCookie(other.members.ADMIN);
    expect(
      (
        await callRoute(settingsGet, {
          path: `/api/workspaces/${slug}/ai/settings`,
          params: { slug },
          cookie: theirAdmin,
        })
      ).status,
    ).toBe(404);
    const theirs = await callRoute(settingsGet, {
      path: `/api/workspaces/${other.slug}/ai/settings`,
      params: { slug: other.slug },
      cookie: theirAdmin,
    });
    expect(theirs.body.provider).toBeNull();
  });
});

describe("drafts", () => {
  it("flags banned phrases (kept, with offsets), repairs curly quotes in Liquid, marks invalid Liquid; the prompt has the brand voice", async () => {
    const { slug, cookies, template } = await world();
    await patchSettings(slug, cookies.ADMIN, {
      brandVoice: "Warm, plain, never pushy.",
      bannedPhrases: [{ phrase: "guaranteed", reason: "no promises" }],
    });
    server.script(
      chat({
        drafts: [
          {
            subject: "Guaranteed comfort for {{ profile.traits.first_name }}",
            preheader: "New shoes",
            body: "<p>Hi</p>",
          },
          {
            subject: "Hi {{ profile.traits.first_name | default: \u201cfriend\u201d }}",
            preheader: "Spring",
            body: "<p>Ok</p>",
          },
          { subject: "Broken {{ profile.traits.first_name ", preheader: "Oops", body: "<p>x</p>" },
        ],
      }),
    );
    const answer = await draftsRoute(slug, cookies.EDITOR, {
      templateId: template.id,
      brief: { goal: "Launch spring shoes", tone: "warm" },
      count: 3,
    });
    expect(answer.status).toBe(200);
    const [first, second, third] = answer.body.drafts;
    expect(first.fields[0]).toMatchObject({
      field: "subject",
      liquid: "ok",
      banned: [
        { field: "subject", phrase: "guaranteed", reason: "no promises", match: "Guaranteed", start: 0, end: 10 },
      ],
    });
    expect(second.fields[0]).toMatchObject({
      liquid: "repaired",
      text: 'Hi {{ profile.traits.first_name | default: "friend" }}',
      banned: [],
    });
    expect(third.fields[0]).toMatchObject({
      liquid: "invalid",
      note: expect.stringMatching(/^The draft's Liquid does not parse/),
    });

    const prompt = server.requests.at(-1)!.body!;
    expect(prompt.response_format).toEqual({ type: "json_object" });
    expect(prompt.messages![0]).toMatchObject({ role: "system" });
    expect(prompt.messages![0].content).toContain("Warm, plain, never pushy.");
    expect(prompt.messages![0].content).toContain('"guaranteed" (no promises)');
    expect(prompt.messages![1].content).toContain("Goal: Launch spring shoes");
  });

  it("personal data stays out of the prompt unless an admin allows it, and then only the preview person's traits", async () => {
    const { team, slug, cookies, editor, template } = await world();
    const [adaId] = await createPeople(team.id, [
      { userId: "ada-42", email: "ada@example.com", traits: { first_name: "Adelaide", plan: "gold" } },
    ]);
    const reply = chat({ drafts: [{ subject: "Hi", preheader: "p", body: "<p>b</p>" }] });
    server.script(reply);
    const off = await draftCopy(editor, {
      templateId: template.id,
      brief: { goal: "Say hello" },
      count: 1,
      previewProfileId: adaId,
    });
    expect(off.personalData).toBe(false);
    const sentOff = JSON.stringify(server.requests.at(-1)!.body);
    expect(sentOff).not.toContain("Adelaide");
    expect(sentOff).not.toContain("gold");
    expect(sentOff).not.toContain("ada@example.com");

    await patchSettings(slug, cookies.ADMIN, { aiAllowPersonalData: true });
    server.script(reply);
    const on = await draftCopy(editor, {
      templateId: template.id,
      brief: { goal: "Say hello" },
      count: 1,
      previewProfileId: adaId,
    });
    expect(on.personalData).toBe(true);
    const sentOn = JSON.stringify(server.requests.at(-1)!.body);
    expect(sentOn).toContain("Adelaide");
    expect(sentOn).toContain("gold");
  });

  it("variants in one click: sibling templates named '— variant B/C', each AI-drafted and awaiting approval", async () => {
    const { slug, cookies, template } = await world();
    server.script(
      chat({
        drafts: [
          { subject: "Fresh kicks for spring", preheader: "See what's new" },
          { subject: "Your spring pair is waiting", preheader: "Free returns" },
        ],
      }),
    );
    const made = await callRoute(variantsPost, {
      method: "POST",
      path: `/api/workspaces/${slug}/ai/variants`,
      params: { slug },
      cookie: cookies.EDITOR,
      body: { templateId: template.id, brief: { goal: "Spring launch A/B" }, count: 2 },
    });
    expect(made.status).toBe(201);
    expect(made.body.variants.map((v: { name: string }) => v.name)).toEqual([
      "Spring launch — variant B",
      "Spring launch — variant C",
    ]);
    for (const v of made.body.variants) {
      const version = await db().messageTemplateVersion.findFirstOrThrow({ where: { templateId: v.templateId } });
      expect(version).toMatchObject({ aiDrafted: true, needsApproval: true, approvedAt: null });
      // the body stays the original's: the split measures the subject line
      expect((version.content as { html: string }).html).toBe(EMAIL.html);
    }
    const b = await db().messageTemplateVersion.findFirstOrThrow({
      where: { templateId: made.body.variants[0].templateId },
    });
    expect(b.content).toMatchObject({ subject: "Fresh kicks for spring", preheader: "See what's new" });
  });

  it("a rewrite keeps to the template's fields; a save of drafted text the editor did not flag still waits for approval", async () => {
    const { editor, template } = await world();
    const wrong = await rewriteField(editor, {
      templateId: template.id,
      field: "title",
      text: "x",
      style: "shorter",
    }).catch((e: unknown) => e);
    expect(wrong).toMatchObject({ code: "validation", fields: [{ path: "field" }] });
    server.script(chat({ text: "Spring shoes are here, come and see them" }));
    const { field } = await rewriteField(editor, {
      templateId: template.id,
      field: "subject",
      text: EMAIL.subject,
      style: "friendlier",
    });
    expect(field).toMatchObject({ field: "subject", liquid: "ok", text: "Spring shoes are here, come and see them" });
    const { saveTemplate } = await import("../messaging/templates/save-template");
    await saveTemplate(editor, template.id, { content: { ...EMAIL, subject: field.text } });
    const saved = await db().messageTemplateVersion.findFirstOrThrow({
      where: { templateId: template.id, version: 2 },
    });
    expect(saved).toMatchObject({ aiDrafted: true, needsApproval: true });
  });
});

describe("translation", () => {
  it("translates into the workspace's other languages in lib/content's shape, checked; other locales are refused by index", async () => {
    const { team, editor, template } = await world();
    await db().workspace.update({
      where: { id: team.id },
      data: { defaultLocale: "en", contentLocales: ["de", "ko"] },
    });
    server.script(
      chat({
        fields: {
          subject: 'Der Frühling ist da, {{ profile.traits.first_name | default: "Freund" }}',
          html: "<p>Garantiert neu</p>",
        },
      }),
    );
    const { translateContent } = await import("./translate");
    const { sourceHash } = await import("../content/locales/translations");
    const out = await translateContent(
      editor,
      { templateId: template.id, content: EMAIL, locales: ["de"] },
      { now: new Date("2026-12-07T10:00:00Z") },
    );
    expect(out.translations.de).toEqual({
      fields: {
        subject: 'Der Frühling ist da, {{ profile.traits.first_name | default: "Freund" }}',
        html: "<p>Garantiert neu</p>",
      },
      sourceHash: sourceHash("email", EMAIL),
      updatedAt: "2026-12-07T10:00:00.000Z",
    });
    expect(server.requests.at(-1)!.body!.messages![1].content).toContain("from en into de");
    const refused = await translateContent(editor, {
      templateId: template.id,
      content: EMAIL,
      locales: ["de", "fr"],
    }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: "validation", fields: [{ path: "locales.1" }] });
  });
});

describe("usage and its limit", () => {
  it("counts each call's tokens for the month and refuses calls once the limit is reached, without calling the provider", async () => {
    const { team, slug, cookies, template } = await world();
    await patchSettings(slug, cookies.ADMIN, { aiMonthlyTokenLimit: 300 });
    const now = new Date("2026-12-07T10:00:00Z");
    server.script(chat({ text: "a" }, { prompt_tokens: 150, completion_tokens: 50 }));
    await chatCompletion(team.id, [{ role: "user", content: "one" }], { now });
    // the answer is capped at what is left of the month (300 - 200) after the prompt's estimate (1 + 4 a message)
    server.script(chat({ text: "b" }, { prompt_tokens: 80, completion_tokens: 30 }));
    await chatCompletion(team.id, [{ role: "user", content: "two" }], { now, maxTokens: 1_000 });
    expect(server.requests.at(-1)!.body!.max_tokens).toBe(95);
    expect(await monthUsage(team.id, now)).toMatchObject({
      month: "2026-12",
      promptTokens: 230,
      completionTokens: 80,
      requests: 2,
      totalTokens: 310,
      remaining: 0,
    });
    const before = server.requests.length;
    const refused = await draftsRoute(slug, cookies.EDITOR, { templateId: template.id, brief: { goal: "More copy" } });
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toMatch(
      /^This workspace used its AI token limit for 2026-12 \(310 of 300 tokens\)/,
    );
    expect(server.requests.length).toBe(before);
    // January is a new month
    expect((await monthUsage(team.id, new Date("2027-01-01T00:00:00Z"))).totalTokens).toBe(0);

    // calls at once are all counted (one atomic upsert each)
    await patchSettings(slug, cookies.ADMIN, { aiMonthlyTokenLimit: 1_000_000 });
    server.fallback = () => chat({ text: "c" }, { prompt_tokens: 10, completion_tokens: 5 });
    try {
      await Promise.all(
        Array.from({ length: 8 }, () => chatCompletion(team.id, [{ role: "user", content: "x" }], { now })),
      );
    } finally {
      server.fallback = null;
    }
    expect(await monthUsage(team.id, now)).toMatchObject({ requests: 10, totalTokens: 310 + 8 * 15 });
  });

  it("calls made at once cannot together pass the limit: each holds its prompt and answer cap before it calls", async () => {
    const { team, slug, cookies } = await world();
    await patchSettings(slug, cookies.ADMIN, { aiMonthlyTokenLimit: 1_000 });
    const now = new Date("2026-12-07T10:00:00Z");
    // a model that writes right up to its cap, with a prompt the size of the estimate (1 + 4)
    server.fallback = (request) =>
      chat({ text: "x" }, { prompt_tokens: 5, completion_tokens: Number(request.body!.max_tokens) });
    let results: PromiseSettledResult<unknown>[];
    try {
      results = await Promise.allSettled(
        Array.from({ length: 8 }, () =>
          chatCompletion(team.id, [{ role: "user", content: "x" }], { now, maxTokens: 200 }),
        ),
      );
    } finally {
      server.fallback = null;
    }
    const usage = await monthUsage(team.id, now);
    // without the hold, all eight read 1,000 left and asked for 200 each: 1,640 tokens
    expect(usage.totalTokens).toBeLessThanOrEqual(1_000);
    const asked = server.requests.slice(-results.filter((r) => r.status === "fulfilled").length);
    expect(asked.reduce((sum, r) => sum + 5 + Number(r.body!.max_tokens), 0)).toBe(usage.totalTokens);
    // the ones that found nothing left were refused before calling, with the month's figures
    for (const r of results.filter((r) => r.status === "rejected"))
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "rate_limited" });
    expect(results.filter((r) => r.status === "fulfilled").length).toBeGreaterThanOrEqual(5);
  });

  it("without a provider the AI says how to connect one, and nothing is faked", async () => {
    const { slug, cookies, template } = await world(false);
    const answer = await draftsRoute(slug, cookies.EDITOR, { templateId: template.id, brief: { goal: "Hello" } });
    expect(answer.status).toBe(409);
    expect(answer.body.error.message).toMatch(/^No AI provider is connected to this workspace: an admin connects/);
    const status = await callRoute(statusGet, {
      path: `/api/workspaces/${slug}/ai`,
      params: { slug },
      cookie: cookies.EDITOR,
    });
    expect(status.body.connected).toBe(false);
  });
});

describe("provider failures, in words", () => {
  it("401 bad key, 404 model, 429 with retry-after, 500, a timeout, and an answer that is not JSON", async () => {
    const { team, cookies } = await world();
    const call = (options: Parameters<typeof chatCompletion>[2] = {}) =>
      chatCompletion(team.id, [{ role: "user", content: "hi" }], options).then(
        (answer): { code: string; message: string; retryAfterSeconds?: number } => {
          throw new Error(`expected a failure, got ${answer.content}`);
        },
        (e: unknown) => e as { code: string; message: string; retryAfterSeconds?: number },
      );

    await putProvider(team, cookies.ADMIN, {
      baseUrl: server.baseUrl,
      model: "cairn-test-model",
      apiKey: "sk-wrong-key-9999",
    });
    const badKey = await call();
    expect(badKey).toMatchObject({ code: "provider_error" });
    expect(badKey.message).toBe(
      `The AI provider (127.0.0.1:${server.port}) refused the API key (401): check the key in Settings → AI.`,
    );
    expect(badKey.message).not.toContain("sk-wrong");

    await putProvider(team, cookies.ADMIN, { baseUrl: server.baseUrl, model: "no-such-model", apiKey: server.apiKey });
    expect((await call()).message).toBe(
      `The AI provider (127.0.0.1:${server.port}) has no model "no-such-model" at this base URL (404): check the model name and the base URL in Settings → AI.`,
    );

    await putProvider(team, cookies.ADMIN, { baseUrl: server.baseUrl, model: "cairn-test-model" });
    server.script({ kind: "error", status: 429, message: "slow down", headers: { "retry-after": "17" } });
    const limited = await call();
    expect(limited).toMatchObject({ code: "rate_limited", retryAfterSeconds: 17 });
    expect(limited.message).toBe(
      `The AI provider (127.0.0.1:${server.port}) is rate-limiting this workspace (429); try again in 17 s.`,
    );

    server.script({ kind: "error", status: 500, message: "boom" });
    expect((await call()).message).toBe(`The AI provider (127.0.0.1:${server.port}) answered 500: 500 boom`);

    server.script(chat({ text: "late" }, undefined, 2_000));
    const started = Date.now();
    const slow = await call({ timeoutMs: 300 });
    expect(slow.message).toBe(
      `The AI provider (127.0.0.1:${server.port}) did not answer within 300 ms; try again, or a smaller or faster model.`,
    );
    expect(Date.now() - started).toBeLessThan(1_500);

    server.script({ kind: "raw", status: 200, body: "<html>proxy login</html>" });
    expect((await call()).message).toBe(
      `The AI provider (127.0.0.1:${server.port}) answered something that is not a chat completion (not JSON).`,
    );
    // no failure was counted as usage, and each released the tokens it held for the call
    expect(await monthUsage(team.id, new Date())).toMatchObject({ requests: 0, totalTokens: 0 });
  });
});
