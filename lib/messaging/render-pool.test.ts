import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderTemplate, SAMPLE_SCOPE } from "./liquid";
import { RenderPool, renderIsolated, renderPool } from "./render-pool";

// Three nested loops of 1,000: a billion iterations, far past any budget.
const NESTED =
  "{% for a in (1..1000) %}{% for b in (1..1000) %}{% for c in (1..1000) %}x{% endfor %}{% endfor %}{% endfor %}";

describe("rendering within a budget, off the thread", () => {
  beforeAll(async () => {
    await renderPool().warm(); // loading a worker takes a moment; the budget counts from when one takes the job
  }, 30_000);

  it("a nested-loop template answers a timeout error within the budget", async () => {
    const started = performance.now();
    const { fields, errors } = await renderIsolated("sms", { body: NESTED }, SAMPLE_SCOPE);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(fields.body).toBeUndefined();
    expect(errors).toEqual([
      {
        path: "content.body",
        message: "Liquid error: the template took longer than 100 ms to render; simplify its loops",
      },
    ]);
  });

  it("the budget is for the whole message: the fields after the one that spent it are not rendered", async () => {
    const started = performance.now();
    const content = {
      subject: "{% for a in (1..1000) %}{% for b in (1..1000) %}{{ a }}{% endfor %}{% endfor %}",
      html: NESTED,
      text: NESTED,
    };
    const { errors } = await renderIsolated("email", content, SAMPLE_SCOPE);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(errors.map((e) => e.path)).toEqual(["content.subject"]);
  });

  it("while one template renders for its whole budget, the thread stays free and another render completes promptly", async () => {
    const budget = { ms: 1_500, maxOutputChars: 1_000_000 };
    const slowStarted = performance.now();
    let slowDone = 0;
    const slow = renderIsolated("sms", { body: NESTED }, SAMPLE_SCOPE, {}, budget).then(
      (r) => ((slowDone = performance.now()), r),
    );
    // the event loop keeps turning: timers fire on time while the loops run
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const fastStarted = performance.now();
    const fast = await renderIsolated(
      "sms",
      { body: "{% for i in (1..3) %}{{ i }}{% endfor %} {{ profile.traits.first_name }}" },
      SAMPLE_SCOPE,
    );
    const fastTook = performance.now() - fastStarted;
    clearInterval(ticker);
    expect(fast).toEqual({ fields: { body: "123 Ada" }, errors: [] });
    expect(fastTook).toBeLessThan(250);
    expect(slowDone).toBe(0); // the slow one was still rendering
    expect(ticks).toBeGreaterThan(10);
    const slowResult = await slow;
    expect(slowResult.errors[0].message).toContain("took longer than 1500 ms");
    expect(slowDone - slowStarted).toBeGreaterThan(1_000);
  });

  it("caps what a message may output, all fields together", async () => {
    const big = `{% for i in (1..6000) %}${"0123456789".repeat(10)}{% endfor %}`; // 600,000 characters a field
    const { fields, errors } = await renderIsolated("email", { subject: "s", html: big, text: big }, SAMPLE_SCOPE);
    expect(fields.html).toHaveLength(600_000);
    expect(fields.text).toBeUndefined();
    expect(errors).toEqual([
      {
        path: "content.text",
        message:
          "Liquid error: the message renders to more than 1,000,000 characters; shorten it or loop over fewer items",
      },
    ]);
  });

  it("renders the same as renderTemplate, in place or in a worker", async () => {
    const content = {
      title: "Hi {{ profile.traits.first_name }}",
      body: "{% if profile.traits.plan == 'pro' %}Pro{% endif %} {{ 42.5 | money }}",
      cta: { label: "Open", url: "https://example.com/{{ profile.userId }}" },
    };
    expect(await renderIsolated("in_app", content, SAMPLE_SCOPE)).toEqual(
      renderTemplate("in_app", content, SAMPLE_SCOPE),
    );
    const tagless = { body: "{{ profile.traits.first_name | upcase }}" };
    expect(await renderIsolated("sms", tagless, SAMPLE_SCOPE)).toEqual({ fields: { body: "ADA" }, errors: [] });
  });

  describe("a worker that does not answer", () => {
    const pool = new RenderPool({ size: 1 });
    afterAll(() => pool.close());

    it("is ended after the budget and replaced; the render fails with the timeout message", async () => {
      await pool.warm();
      // one filter call that liquidjs cannot interrupt between tags: a long sort of a long split. The budget leaves
      // the loop that builds the string time to finish on a loaded machine, so only the sort can overrun it.
      const budget = { ms: 250, maxOutputChars: 1_000_000 };
      const started = performance.now();
      const slow = await pool.render(
        "sms",
        {
          body: "{% assign s = 'ab' %}{% for i in (1..20) %}{% assign s = s | append: s %}{% endfor %}{{ s | split: '' | sort | join: '' | split: '' | reverse | sort | size }}",
        },
        SAMPLE_SCOPE,
        {},
        budget,
      );
      // a bound on "it was stopped", not a timing: the sort alone runs for seconds
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(slow.errors[0].message).toContain("took longer than 250 ms");
      expect(pool.terminated).toBe(1);
      // and the pool still renders
      expect((await pool.render("sms", { body: "{% if true %}ok{% endif %}" }, SAMPLE_SCOPE)).fields.body).toBe("ok");
    });
  });
});

describe("the render budget's setting", () => {
  it("is 100 ms unless CAIRN_RENDER_BUDGET_MS names a whole number from 10 to 10000", async () => {
    const { renderBudgetMs } = await import("./liquid");
    expect(renderBudgetMs({})).toBe(100);
    expect(renderBudgetMs({ CAIRN_RENDER_BUDGET_MS: "1000" })).toBe(1000);
    for (const wrong of ["", "abc", "5", "10001", "12.5", "-100"]) {
      expect(renderBudgetMs({ CAIRN_RENDER_BUDGET_MS: wrong })).toBe(100);
    }
  });
});
