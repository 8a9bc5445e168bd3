import { describe, expect, it } from "vitest";
import { POST as previewRoute } from "@/app/api/workspaces/[slug]/templates/preview/route";
import { AppError } from "../errors";
import { callRoute } from "../testing/call-route";
import { contextOf, createWorkspaceWithTeam, sessionCookie } from "../testing/factories";
import { messageRow, queueFor, setup } from "../testing/messaging-fixtures";
import { deliverMessage } from "./delivery";
import { RENDER_BUDGET } from "./liquid";
import { previewLimiter } from "./preview-rate-limit";
import { renderPool } from "./render-pool";
import { previewTemplate } from "./templates/preview-template";

const NESTED =
  "{% for a in (1..1000) %}{% for b in (1..1000) %}{% for c in (1..1000) %}x{% endfor %}{% endfor %}{% endfor %}";
const TIMEOUT = `Liquid error: the template took longer than ${RENDER_BUDGET.ms} ms to render; simplify its loops`;

describe("the render budget where templates render", () => {
  it("a preview of nested loops answers the timeout error, and the workspace's previews are rate limited", async () => {
    await renderPool().warm();
    const team = await createWorkspaceWithTeam();
    const viewer = await contextOf(team, "VIEWER");
    const now = new Date("2026-03-01T10:00:00Z");
    const clock = () => now;
    const started = performance.now();
    const preview = await previewTemplate(viewer, { channel: "sms", content: { body: NESTED } }, clock);
    // a bound on "it stops", not a timing: a loop of a billion steps would run for minutes
    expect(performance.now() - started).toBeLessThan(10_000);
    // liquidjs's own budget names the field; on a loaded machine the pool's hard stop (budget + grace) can
    // answer first, and it names the whole content, since it cannot know which field was rendering
    expect(preview.errors).toEqual([{ path: expect.stringMatching(/^content(\.body)?$/), message: TIMEOUT }]);

    const limit = previewLimiter().limit;
    for (let i = 1; i < limit; i++)
      await previewTemplate(viewer, { channel: "sms", content: { body: "Hi {{ profile.traits.first_name }}" } }, clock);
    const refused = await previewTemplate(viewer, { channel: "sms", content: { body: "Hi" } }, clock).catch(
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: "rate_limited", retryAfterSeconds: 60 });
    // a minute later the workspace previews again
    expect(
      (
        await previewTemplate(
          viewer,
          { channel: "sms", content: { body: "Hi" } },
          () => new Date(now.getTime() + 60_001),
        )
      ).fields.body,
    ).toBe("Hi");
  });

  it("the preview route answers 429 with Retry-After once the workspace has used its previews", async () => {
    const team = await createWorkspaceWithTeam();
    const viewer = await contextOf(team, "VIEWER");
    const call = async () =>
      callRoute(previewRoute, {
        method: "POST",
        params: { slug: team.slug },
        cookie: await sessionCookie(team.members.VIEWER),
        body: { channel: "sms", content: { body: "{% if true %}Hi{% endif %}" } },
      });
    expect(await call()).toMatchObject({ status: 200, body: { fields: { body: "Hi" } } });
    for (let i = 1; i < previewLimiter().limit; i++)
      await previewTemplate(viewer, { channel: "sms", content: { body: "Hi" } });
    const refused = await call();
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe("rate_limited");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(60);
  });

  it("a message whose template runs out of budget is failed with that reason, not retried", async () => {
    const s = await setup({ subject: "Hi", html: `<p>${NESTED}</p>` });
    const id = await queueFor(s, "loops", { email: "loops@example.com" });
    expect(await deliverMessage(id, s.driver.clock)).toEqual({
      outcome: "failed",
      reason: `Rendering failed: html: ${TIMEOUT}`,
    });
    expect((await messageRow(id)).status).toBe("FAILED");
  });
});
