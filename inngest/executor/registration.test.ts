import { describe, expect, it } from "vitest";
import {
  AppUrlAllowList,
  parseAllowedAppUrls,
  parseRegistration,
  RegistrationError,
  RegistrationRefused,
} from "./registration";

const fn = (overrides: Record<string, unknown> = {}) => ({
  id: "app-fn",
  name: "fn",
  triggers: [{ event: "app/x" }],
  steps: {
    step: {
      id: "step",
      name: "step",
      runtime: { type: "http", url: "http://127.0.0.1:3000/api/inngest?fnId=app-fn&stepId=step" },
      retries: { attempts: 2 },
    },
  },
  ...overrides,
});
const body = (...functions: unknown[]) => ({
  url: "http://127.0.0.1:3000/api/inngest",
  appName: "app",
  deployType: "ping",
  sdk: "js:v4.24.0",
  v: "0.1",
  framework: "nextjs",
  functions,
});
const problems = (b: unknown) => {
  try {
    parseRegistration(b);
  } catch (error) {
    if (error instanceof RegistrationError) return error.message;
    throw error;
  }
  return "";
};

describe("registration", () => {
  it("reads triggers, retries, concurrency and idempotency", () => {
    const registration = parseRegistration(
      body(
        fn({
          triggers: [
            { event: "app/x", expression: "event.data.ok == true" },
            { event: "app/user.*" },
            { cron: "*/5 * * * *" },
          ],
          concurrency: [{ limit: 1, key: "event.data.id" }, 10],
          idempotency: "event.data.id",
        }),
        fn({
          id: "app-defaults",
          steps: {
            step: { id: "step", name: "step", runtime: { type: "http", url: "http://127.0.0.1:3000/api/inngest" } },
          },
          concurrency: { limit: 0 },
        }),
      ),
    );
    const [a, b] = registration.functions;
    expect(a).toMatchObject({
      id: "app-fn",
      retries: 2,
      eventTriggers: [
        { event: "app/x", wildcard: false },
        { event: "app/user.", wildcard: true },
      ],
      cronTriggers: [{ cron: "*/5 * * * *" }],
    });
    expect(a.concurrency.map((c) => [c.limit, c.scope, c.keySource])).toEqual([
      [1, "fn", "event.data.id"],
      [10, "fn", ""],
    ]);
    expect(a.idempotency).toBeDefined();
    expect(b).toMatchObject({ retries: 4, concurrency: [] }); // Inngest's default retries; limit 0 = none of its own
  });

  it("rejects each unsupported feature, naming the function and the feature", () => {
    expect(problems(body(fn({ rateLimit: { limit: 1, period: "1m" } })))).toContain(
      `Function "app-fn" uses rate limiting (rateLimit)`,
    );
    expect(problems(body(fn({ batchEvents: { maxSize: 10, timeout: "5s" } })))).toContain(
      "event batching (batchEvents)",
    );
    expect(problems(body(fn({ throttle: { limit: 1, period: "1s" } })))).toContain("throttling (throttle)");
    expect(problems(body(fn({ debounce: { period: "5s" } })))).toContain("debouncing (debounce)");
    expect(problems(body(fn({ priority: { run: "1" } })))).toContain("run priority (priority)");
    expect(problems(body(fn({ cancel: [{ event: "app/cancel" }] })))).toContain("cancellation by event (cancelOn)");
    expect(problems(body(fn({ singleton: { mode: "skip" } })))).toContain("singleton runs (singleton)");
    expect(problems(body(fn({ timeouts: { finish: "1h" } })))).toContain("start/finish timeouts (timeouts)");
    expect(problems(body(fn({ somethingNew: true })))).toContain(`has config field "somethingNew"`);
    expect(
      problems(body(fn({ triggers: [{ event: "app/x", expression: "event.data.tags.exists(t, t == 'a')" }] }))),
    ).toContain(`trigger expression "event.data.tags.exists(t, t == 'a')" cannot be evaluated`);
    expect(problems(body(fn({ triggers: [{ cron: "TZ=Europe/Paris 0 9 * * *" }] })))).toContain("UTC only");
    expect(problems(body(fn({ triggers: [{ cron: "0 9 * * *", jitter: "10s" }] })))).toContain("cron jitter");
    expect(problems(body(fn({ triggers: [{ event: "app/*/x" }] })))).toContain(`only "prefix*"`);
    expect(problems(body(fn({ concurrency: [{ limit: 1 }, { limit: 2 }, { limit: 3 }] })))).toContain("at most 2");
    expect(
      problems(body(fn({ steps: { step: { id: "step", name: "step", runtime: { type: "ws", url: "ws://x" } } } }))),
    ).toContain(`"ws" runtime`);
    expect(
      problems(
        body(
          fn({
            steps: {
              step: { id: "step", name: "step", runtime: { type: "http", url: "http://x" }, retries: { attempts: 21 } },
            },
          }),
        ),
      ),
    ).toContain("retries must be a whole number from 0 to 20");
  });

  it("lists every problem at once, and rejects duplicate ids and malformed bodies", () => {
    const message = problems(
      body(fn({ rateLimit: { limit: 1, period: "1m" } }), fn({ id: "app-other", debounce: { period: "1s" } })),
    );
    expect(message).toContain(`"app-fn"`);
    expect(message).toContain(`"app-other"`);
    expect(problems(body(fn(), fn()))).toContain(`Function id "app-fn" is registered twice`);
    expect(problems({ functions: [] })).toContain("no appName");
    expect(problems("nope")).toContain("JSON object");
  });
});

describe("the app URLs a registration may name", () => {
  const registration = (url: string, fnUrl = `${url}?fnId=app-fn&stepId=step`) =>
    parseRegistration({
      ...body(fn({ steps: { step: { id: "step", name: "step", runtime: { type: "http", url: fnUrl } } } })),
      url,
    });
  const refusal = (list: AppUrlAllowList, r: ReturnType<typeof registration>) => {
    try {
      list.check(r);
      return "";
    } catch (error) {
      if (error instanceof RegistrationRefused) return error.message;
      throw error;
    }
  };

  it("accepts the configured endpoint, with or without query and trailing slash", () => {
    const list = new AppUrlAllowList(["http://127.0.0.1:3000/api/inngest"]);
    expect(refusal(list, registration("http://127.0.0.1:3000/api/inngest"))).toBe("");
    expect(
      refusal(
        list,
        registration("http://127.0.0.1:3000/api/inngest/", "http://127.0.0.1:3000/api/inngest/?fnId=app-fn"),
      ),
    ).toBe("");
  });

  it("refuses another host, port, scheme or path, in the app URL or in any function's URL", () => {
    const list = new AppUrlAllowList(["http://127.0.0.1:3000/api/inngest"]);
    expect(refusal(list, registration("http://evil.example/api/inngest"))).toMatch(
      /http:\/\/evil\.example\/api\/inngest, which is not an app this executor runs/,
    );
    expect(refusal(list, registration("http://127.0.0.1:3001/api/inngest"))).not.toBe("");
    expect(refusal(list, registration("https://127.0.0.1:3000/api/inngest"))).not.toBe("");
    expect(refusal(list, registration("http://127.0.0.1:3000/api/other"))).not.toBe("");
    expect(
      refusal(list, registration("http://127.0.0.1:3000/api/inngest", "http://evil.example/api/inngest?fnId=app-fn")),
    ).toMatch(/evil\.example/);
  });

  it("refuses everything when nothing is allowed, and takes further endpoints from CAIRN_EXECUTOR_ALLOWED_APP_URLS", () => {
    expect(refusal(new AppUrlAllowList(), registration("http://127.0.0.1:3000/api/inngest"))).toMatch(/allowed: none/);
    const list = new AppUrlAllowList(parseAllowedAppUrls(" http://a.test/api/inngest, https://b.test/x "));
    expect(refusal(list, registration("https://b.test/x"))).toBe("");
    expect(() => parseAllowedAppUrls("a.test/api/inngest")).toThrow(
      /CAIRN_EXECUTOR_ALLOWED_APP_URLS: "a.test\/api\/inngest" is not an absolute http\(s\) URL/,
    );
  });
});
