import { describe, expect, it } from "vitest";
import { renderWebhookRequest, webhookLiquidProblems, webhookScope, type WebhookConfig } from "./placeholders";

const scope = webhookScope({
  journeyId: "j1",
  enrollmentId: "en1",
  person: {
    profileId: "p1",
    userId: "a/b?x=1#f",
    email: "ada@example.com",
    phone: null,
    timezone: "America/New_York",
    traits: {
      name: 'Ada "the Countess" <Lovelace> & co',
      plan: "pro",
      tags: ["vip", "beta"],
      address: { city: "London" },
    },
  },
  trigger: {
    eventId: "ev1",
    name: "Order Completed",
    properties: { total: 1234.5, currency: "EUR", at: "2026-01-15T03:30:00Z", cartId: "c1" },
    timestamp: "2026-01-15T03:30:01Z",
  },
});
const hook = (c: Partial<WebhookConfig>): WebhookConfig => ({
  url: "https://crm.example/hook",
  method: "POST",
  headers: {},
  ...c,
});

describe("webhook Liquid", () => {
  it("keeps the earlier {{path}} placeholders working: the same paths, objects and arrays as JSON, missing values as nothing", () => {
    const body =
      '{"p":"{{profile.id}}","e":"{{ enrollment.id }}","j":"{{journey.id}}","ev":"{{ event.id }}","t":"{{ event.timestamp }}","cart":"{{event.properties.cartId}}","tags":{{ profile.traits.tags }},"addr":{{ profile.traits.address }},"none":"{{ profile.traits.nope }}"}';
    expect(JSON.parse(renderWebhookRequest(hook({ body }), scope).body!)).toEqual({
      p: "p1",
      e: "en1",
      j: "j1",
      ev: "ev1",
      t: "2026-01-15T03:30:01Z",
      cart: "c1",
      tags: ["vip", "beta"],
      addr: { city: "London" },
      none: "",
    });
  });

  it("renders the body with the messaging filters, and never HTML-escapes it; `| json` writes a quoted, escaped JSON string", () => {
    const body =
      '{"name":{{ profile.traits.name | json }},"raw":"{{ profile.traits.name }}","total":{{ event.properties.total | money: event.properties.currency | json }},"day":"{{ event.properties.at | date_in_zone: profile.timezone, "%Y-%m-%d %H:%M" }}","first":"{{ profile.traits.tags | first | upcase }}"{% if profile.traits.plan == "pro" %},"pro":true{% endif %}}';
    const rendered = renderWebhookRequest(hook({ body }), scope).body!;
    // a string written as is: quotes and markup go out unchanged (here, breaking the JSON string "raw")
    expect(rendered).toContain('"raw":"Ada "the Countess" <Lovelace> & co"');
    const withoutRaw = rendered.replace(/,"raw":"[^]*?co"/, "");
    expect(JSON.parse(withoutRaw)).toEqual({
      name: 'Ada "the Countess" <Lovelace> & co',
      total: "€1,234.50",
      day: "2026-01-14 22:30",
      first: "VIP",
      pro: true,
    });
  });

  it("percent-encodes values in the URL (so a value cannot add a path, query or fragment) unless `| raw`", () => {
    const request = renderWebhookRequest(
      hook({ url: "https://crm.example/users/{{ profile.userId }}?plan={{ profile.traits.plan }}" }),
      scope,
    );
    expect(request).toEqual({
      url: "https://crm.example/users/a%2Fb%3Fx%3D1%23f?plan=pro",
      method: "POST",
      headers: {},
    });
    expect(
      renderWebhookRequest(
        hook({ url: "https://crm.example/{{ event.properties.cartId | raw }}/{{ profile.traits.tags }}" }),
        scope,
      ).url,
    ).toBe("https://crm.example/c1/%5B%22vip%22%2C%22beta%22%5D");
  });

  it("renders header values; one that would carry a line break fails instead", () => {
    expect(
      renderWebhookRequest(
        hook({ headers: { "x-user": "{{ profile.email }}", "x-plan": "plan={{ profile.traits.plan }}" } }),
        scope,
      ).headers,
    ).toEqual({ "x-user": "ada@example.com", "x-plan": "plan=pro" });
    const smuggled = webhookScope({
      journeyId: "j1",
      enrollmentId: "en1",
      person: {
        profileId: "p1",
        userId: "u",
        email: "a@example.com\r\nx-admin: 1",
        phone: null,
        timezone: null,
        traits: {},
      },
      trigger: { name: "x", properties: {}, timestamp: "" },
    });
    expect(renderWebhookRequest(hook({ headers: { "x-user": "{{ profile.email }}" } }), smuggled).renderError).toBe(
      "config.headers.x-user renders to a value with a line break",
    );
  });

  it("a field that fails to render (missing required variable, unknown partial) is reported with its path, and nothing else is rendered", () => {
    const failed = renderWebhookRequest(
      hook({
        url: "https://crm.example/{{ profile.userId }}",
        body: '{"plan":"{{ profile.traits.missing | required }}"}',
      }),
      scope,
    );
    expect(failed).toEqual({
      url: "https://crm.example/{{ profile.userId }}",
      method: "POST",
      headers: {},
      renderError: "config.body does not render: Liquid error: Missing required variable profile.traits.missing",
    });
    expect(renderWebhookRequest(hook({ body: "{% render 'footer' %}" }), scope).renderError).toMatch(
      /^config\.body does not render: Liquid error: No partial named "footer"/,
    );
  });

  it("a URL that does not render to an http(s) URL fails", () => {
    const noScheme = webhookScope({
      journeyId: "j",
      enrollmentId: "e",
      person: {
        profileId: "p",
        userId: null,
        email: null,
        phone: null,
        timezone: null,
        traits: { base: "javascript:alert(1)" },
      },
      trigger: { name: "x", properties: {}, timestamp: "" },
    });
    expect(renderWebhookRequest(hook({ url: "{{ profile.traits.base | raw }}" }), noScheme).renderError).toBe(
      'config.url renders to "javascript:alert(1)", not an http(s) URL',
    );
  });

  it("finds Liquid syntax errors and unknown filters in every field, named by path", () => {
    expect(
      webhookLiquidProblems(
        hook({
          url: "https://crm.example/{{ profile.userId",
          headers: { ok: "{{ profile.email }}", "x-bad": "{{ profile.email | shout }}" },
          body: "{% if profile.traits.plan %}",
        }),
      ),
    ).toEqual([
      { path: "config.url", message: expect.stringMatching(/^Liquid error: output .* not closed/) },
      { path: "config.headers.x-bad", message: "Liquid error: undefined filter: shout, line:1, col:1" },
      { path: "config.body", message: expect.stringMatching(/^Liquid error: tag .* not closed/) },
    ]);
    expect(webhookLiquidProblems(hook({ body: '{"a":{{ profile.traits | json }}}' }))).toEqual([]);
  });
});
