import { afterAll, describe, expect, it } from "vitest";
import { SAMPLE_SCOPE } from "./liquid";
import { RenderPool } from "./render-pool";

/** A person of a batch: the sample scope with their own first name and a string trait. */
const person = (name: string, s = "ab") => ({
  ...SAMPLE_SCOPE,
  profile: { ...SAMPLE_SCOPE.profile, traits: { first_name: name, s } },
});

describe("a batch render (a broadcast's people, one template)", () => {
  const pool = new RenderPool({ size: 2 });
  afterAll(() => pool.close());

  it("renders each scope, in order, across the workers", async () => {
    const scopes = Array.from({ length: 240 }, (_, i) => person(`P${i}`));
    const results = await pool.renderMany(
      "sms",
      { body: "{% if true %}Hi {{ profile.traits.first_name }}{% endif %}" },
      scopes,
    );
    expect(results).toHaveLength(240);
    expect(results.map((r) => r.fields.body)).toEqual(scopes.map((_, i) => `Hi P${i}`));
    expect(results.every((r) => r.errors.length === 0)).toBe(true);
  });

  it("gives each person the budget of one message: one runaway render fails alone", async () => {
    const scopes = [person("A"), person("B"), person("C")];
    const content = {
      body: "{% if profile.traits.first_name == 'B' %}{% for a in (1..1000) %}{% for b in (1..1000) %}{% for c in (1..1000) %}x{% endfor %}{% endfor %}{% endfor %}{% endif %}{{ profile.traits.first_name }}",
    };
    const results = await pool.renderMany("sms", content, scopes, {}, { ms: 50, maxOutputChars: 1_000_000 });
    expect(results[0].fields.body).toBe("A");
    expect(results[1].errors[0].message).toContain("took longer than 50 ms");
    expect(results[2].fields.body).toBe("C");
  });

  it("ends a worker stuck in one render (a filter liquidjs cannot interrupt) and renders the rest of its share again", async () => {
    const huge = "x".repeat(3_000_000);
    const scopes = [person("A"), person("B"), person("C", huge), person("D"), person("E")];
    const before = pool.terminated;
    const results = await pool.renderMany(
      "sms",
      { body: "{{ profile.traits.first_name }} {{ profile.traits.s | split: '' | sort | size }}" },
      scopes,
      {},
      { ms: 20, maxOutputChars: 1_000_000 },
    );
    expect(results.map((r) => r.fields.body ?? null)).toEqual(["A 2", "B 2", null, "D 2", "E 2"]);
    expect(results[2].errors[0].message).toContain("took longer than 20 ms");
    expect(pool.terminated).toBe(before + 1);
  }, 20_000);

  it("answers an empty batch at once", async () => {
    expect(await pool.renderMany("sms", { body: "x" }, [])).toEqual([]);
  });
});
