import { describe, expect, it } from "vitest";
import {
  dateInZone,
  htmlToText,
  liquidIssues,
  missingVariables,
  money,
  renderTemplate,
  SAMPLE_SCOPE,
  type RenderScope,
} from "./liquid";

const scope: RenderScope = {
  profile: {
    userId: "u1",
    email: "ada@example.com",
    phone: null,
    timezone: "America/New_York",
    traits: { first_name: "Ada", orders: [{ id: 1 }] },
  },
  event: { name: "Order Completed", properties: { at: "2026-03-01T23:15:00Z", total: 1234.5 } },
  journey: { id: "j1", name: "Welcome" },
  message: { id: "m1" },
};

describe("filters", () => {
  it("date_in_zone formats in the profile's time zone (UTC when it has none or an unknown one)", () => {
    const { fields } = renderTemplate(
      "sms",
      { body: '{{ event.properties.at | date_in_zone: profile.timezone, "%b %d, %H:%M" }}' },
      scope,
    );
    expect(fields.body).toBe("Mar 01, 18:15");
    expect(dateInZone("2026-03-01T23:15:00Z", "Asia/Tokyo", "%A %e %B %Y, %I:%M %p")).toBe(
      "Monday 2 March 2026, 08:15 AM",
    );
    expect(dateInZone("2026-03-01T23:15:00Z", null, "%Y-%m-%d %H:%M:%S %Z")).toBe("2026-03-01 23:15:00 UTC");
    expect(dateInZone("2026-03-01T23:15:00Z", "Not/AZone", "%H:%M")).toBe("23:15");
    expect(dateInZone(1772406900, "UTC", "%Y-%m-%d")).toBe("2026-03-01");
    expect(dateInZone("not a date", "UTC")).toBe("not a date");
  });

  it("money formats an amount in a currency, en-US by default", () => {
    expect(renderTemplate("sms", { body: '{{ 1234.5 | money: "EUR" }}' }, scope).fields.body).toBe("€1,234.50");
    expect(renderTemplate("sms", { body: '{{ event.properties.total | money: "USD" }}' }, scope).fields.body).toBe(
      "$1,234.50",
    );
    expect(money(1234.5, "EUR", "de-DE")).toBe("1.234,50\u00a0€");
    expect(money("12", "JPY")).toBe("¥12");
    expect(money("n/a", "USD")).toBe("n/a");
  });
});

describe("syntax errors are found per field, named by their path", () => {
  it.each([
    ["email", { subject: "Hi {{ profile.email", html: "<p>ok</p>" }, "content.subject"],
    ["email", { subject: "ok", preheader: "{% if %}", html: "<p>ok</p>" }, "content.preheader"],
    ["email", { subject: "ok", html: "{% for x in y %}", text: "" }, "content.html"],
    ["email", { subject: "ok", html: "<p>ok</p>", text: "{{ x | no_such_filter }}" }, "content.text"],
    ["sms", { body: "{{ }" }, "content.body"],
    ["push", { title: "{% endif %}", body: "ok" }, "content.title"],
    ["push", { title: "ok", body: "{{ a | upcase: }" }, "content.body"],
    ["push", { title: "ok", body: "ok", deepLink: "myapp://orders/{{ event.properties.id" }, "content.deepLink"],
    ["push", { title: "ok", body: "ok", imageUrl: "https://cdn.example.com/{% raw %}" }, "content.imageUrl"],
    ["in_app", { title: "{{ 'unterminated }}", body: "ok" }, "content.title"],
    ["in_app", { title: "ok", body: "{% unless %}" }, "content.body"],
    [
      "in_app",
      { title: "ok", body: "ok", cta: { label: "{{ x | bogus }}", url: "https://example.com" } },
      "content.cta.label",
    ],
    ["in_app", { title: "ok", body: "ok", cta: { label: "Go", url: "https://example.com/{{" } }, "content.cta.url"],
  ] as const)("%s %j → %s", (channel, content, path) => {
    const issues = liquidIssues(channel, content);
    expect(issues.map((i) => i.path)).toEqual([path]);
    expect(issues[0].message).toMatch(/^Liquid error: ./);
  });
});

describe("missing variables", () => {
  it("lists the paths the scope lacks, once each, ignoring assigned and loop variables", () => {
    const content = {
      subject: "{{ profile.traits.first_name }} {{ profile.traits.last_name }} {{ profile.phone }}",
      html: "{% assign greeting = 'Hi' %}{{ greeting }} {% for o in profile.traits.orders %}{{ o.id }}{% endfor %} {{ profile.traits.orders.size }} {{ event.properties.coupon }} {{ profile.traits.last_name }} {{ journey.name }}",
    };
    expect(missingVariables("email", content, scope)).toEqual([
      "profile.traits.last_name",
      "profile.phone",
      "event.properties.coupon",
    ]);
  });

  it("renders a missing variable as nothing (strictVariables off) and a default when given", () => {
    expect(
      renderTemplate(
        "sms",
        { body: 'Hi {{ profile.traits.nickname }}|{{ profile.traits.nickname | default: "there" }}' },
        scope,
      ).fields.body,
    ).toBe("Hi |there");
  });
});

describe("rendering each channel", () => {
  it("email: every field, the text body derived from the HTML when none is written", () => {
    const { fields, errors } = renderTemplate(
      "email",
      {
        subject: "Hi {{ profile.traits.first_name }}",
        preheader: "For {{ profile.email }}",
        html: '<h1>Hello {{ profile.traits.first_name }}</h1><p>See <a href="https://example.com/o">your order</a> &amp; more.<br>Thanks</p>',
        text: "",
      },
      scope,
    );
    expect(errors).toEqual([]);
    expect(fields).toEqual({
      subject: "Hi Ada",
      preheader: "For ada@example.com",
      html: '<h1>Hello Ada</h1><p>See <a href="https://example.com/o">your order</a> &amp; more.<br>Thanks</p>',
      text: "Hello Ada\n\nSee your order (https://example.com/o) & more.\nThanks",
    });
    expect(
      renderTemplate("email", { subject: "s", html: "<p>h</p>", text: "Plain {{ journey.name }}" }, scope).fields.text,
    ).toBe("Plain Welcome");
  });

  it("sms, push and in-app", () => {
    expect(renderTemplate("sms", { body: "{{ profile.traits.first_name | upcase }}" }, scope).fields).toEqual({
      body: "ADA",
    });
    expect(
      renderTemplate(
        "push",
        {
          title: "Hi {{ profile.traits.first_name }}",
          body: "b",
          deepLink: "myapp://m/{{ message.id }}",
          imageUrl: "https://cdn.example.com/a.png",
        },
        scope,
      ).fields,
    ).toEqual({
      title: "Hi Ada",
      body: "b",
      deepLink: "myapp://m/m1",
      imageUrl: "https://cdn.example.com/a.png",
    });
    expect(
      renderTemplate(
        "in_app",
        {
          title: "T",
          body: "{{ journey.name }}",
          cta: { label: "Open", url: "https://example.com/{{ profile.userId }}" },
        },
        scope,
      ).fields,
    ).toEqual({
      title: "T",
      body: "Welcome",
      "cta.label": "Open",
      "cta.url": "https://example.com/u1",
    });
  });

  it("the sample scope renders a complete preview", () => {
    expect(
      renderTemplate(
        "sms",
        { body: "{{ profile.traits.first_name }} {{ event.properties.total | money: event.properties.currency }}" },
        SAMPLE_SCOPE,
      ).fields.body,
    ).toBe("Ada $42.50");
  });

  it("escapes HTML from traits and events in an email's HTML body only; | raw opts out", () => {
    const hostile = {
      ...scope,
      profile: { ...scope.profile, traits: { first_name: '<script>alert("x")</script> & Tom' } },
    };
    const email = renderTemplate(
      "email",
      {
        subject: "Hi {{ profile.traits.first_name }}",
        html: "<p>{{ profile.traits.first_name }}</p>{{ '<b>ok</b>' | raw }}",
      },
      hostile,
    ).fields;
    expect(email.html).toBe("<p>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Tom</p><b>ok</b>");
    // a subject is text, not HTML: escaping it would show "&amp;" in the inbox
    expect(email.subject).toBe('Hi <script>alert("x")</script> & Tom');
    expect(renderTemplate("sms", { body: "{{ profile.traits.first_name }}" }, hostile).fields.body).toBe(
      '<script>alert("x")</script> & Tom',
    );
  });

  it("| required fails the render naming the variable, and passes present values through", () => {
    const result = renderTemplate(
      "email",
      {
        subject: "Hi {{ profile.traits.nickname | required }}",
        html: "<p>{{ profile.traits.first_name | required }}</p>",
      },
      scope,
    );
    expect(result.errors).toEqual([
      { path: "content.subject", message: "Liquid error: Missing required variable profile.traits.nickname" },
    ]);
    expect(result.fields.html).toBe("<p>Ada</p>");
  });

  it("htmlToText drops head, style and script", () => {
    expect(
      htmlToText(
        "<html><head><title>x</title><style>p{}</style></head><body><ul><li>a</li><li>b</li></ul><script>1</script></body></html>",
      ),
    ).toBe("- a\n- b");
  });
});

describe("htmlToText decodes entities", () => {
  it("hex, decimal and named entities, and invalid code points as U+FFFD, without throwing", () => {
    expect(
      htmlToText(
        "<p>It&#x2019;s &#8220;ok&#8221; &eacute;t&eacute; &hellip; &amp;amp; &lt;b&gt; &#39;a&#39; &apos;b&apos;</p>",
      ),
    ).toBe("It’s “ok” été … &amp; <b> 'a' 'b'");
    expect(htmlToText("<p>big &#99999999; &#x110000; zero &#0; surrogate &#xD800; &#X41;</p>")).toBe(
      "big \uFFFD \uFFFD zero \uFFFD surrogate \uFFFD A",
    );
    expect(htmlToText("<p>a&nbsp;b &notanentity; &amp</p>")).toBe("a b &notanentity; &amp");
  });

  it("an email whose HTML has hex entities renders its plain-text part", () => {
    expect(renderTemplate("email", { subject: "s", html: "<p>We&#x2019;re here</p>" }, SAMPLE_SCOPE).fields.text).toBe(
      "We’re here",
    );
  });
});
