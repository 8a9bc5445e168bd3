import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { createUser, TEST_PASSWORD, uniqueEmail } from "../testing/factories";
import { INVALID_CREDENTIALS, SIGN_IN_LIMITS, signInWithPassword } from "./sign-in";

const at = (iso: string) => new Date(iso);
const uniqueIp = () => `10.0.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

describe("password sign-in", () => {
  it("signs in with the right password, case-insensitively on the email", async () => {
    const user = await createUser();
    const signedIn = await signInWithPassword({
      email: user.email.toUpperCase(),
      password: TEST_PASSWORD,
      ip: uniqueIp(),
    });
    expect(signedIn.id).toBe(user.id);
  });

  it("gives the same generic message for a wrong password and for an unknown account", async () => {
    const user = await createUser();
    await expect(
      signInWithPassword({ email: user.email, password: "wrong password!", ip: uniqueIp() }),
    ).rejects.toMatchObject({
      code: "unauthenticated",
      message: INVALID_CREDENTIALS,
    });
    await expect(
      signInWithPassword({ email: uniqueEmail("nobody"), password: "wrong password!", ip: uniqueIp() }),
    ).rejects.toMatchObject({
      code: "unauthenticated",
      message: INVALID_CREDENTIALS,
    });
  });

  it("rejects malformed credentials without touching any account", async () => {
    await expect(signInWithPassword({ email: { $ne: null }, password: ["x"], ip: uniqueIp() })).rejects.toMatchObject({
      code: "unauthenticated",
    });
  });

  it("locks an account after repeated failures, even for the right password, until the window passes", async () => {
    const user = await createUser();
    const start = at("2030-01-01T10:00:00Z");
    for (let i = 0; i < SIGN_IN_LIMITS.maxFailuresPerAccount; i++) {
      await expect(
        signInWithPassword({
          email: user.email,
          password: `guess number ${i}`,
          ip: uniqueIp(),
          now: new Date(start.getTime() + i * 1000),
        }),
      ).rejects.toMatchObject({ code: "unauthenticated" });
    }
    const locked = signInWithPassword({
      email: user.email,
      password: TEST_PASSWORD,
      ip: uniqueIp(),
      now: at("2030-01-01T10:05:00Z"),
    });
    await expect(locked).rejects.toMatchObject({
      code: "rate_limited",
      message: expect.stringMatching(/Too many failed sign-in attempts/),
    });
    const error = await locked.catch((e) => e);
    expect(error.retryAfterSeconds).toBeGreaterThan(0);

    // 15 minutes after the first failure, the oldest failure leaves the window: one more try is allowed.
    const later = await signInWithPassword({
      email: user.email,
      password: TEST_PASSWORD,
      ip: uniqueIp(),
      now: at("2030-01-01T10:15:01Z"),
    });
    expect(later.id).toBe(user.id);
  });

  it("limits failures per client address across accounts", async () => {
    const ip = uniqueIp();
    const now = at("2031-06-01T08:00:00Z");
    for (let i = 0; i < SIGN_IN_LIMITS.maxFailuresPerIp; i++) {
      await signInWithPassword({ email: uniqueEmail("spray"), password: "spray password", ip, now }).catch(() => {});
    }
    const user = await createUser();
    await expect(signInWithPassword({ email: user.email, password: TEST_PASSWORD, ip, now })).rejects.toMatchObject({
      code: "rate_limited",
    });
    // Another address is not affected.
    await expect(
      signInWithPassword({ email: user.email, password: TEST_PASSWORD, ip: uniqueIp(), now }),
    ).resolves.toMatchObject({ id: user.id });
  });

  it("records every attempt with its outcome", async () => {
    const user = await createUser();
    const ip = uniqueIp();
    await signInWithPassword({ email: user.email, password: "not the password", ip }).catch(() => {});
    await signInWithPassword({ email: user.email, password: TEST_PASSWORD, ip });
    const attempts = await db().authAttempt.findMany({ where: { email: user.email }, orderBy: { createdAt: "asc" } });
    expect(attempts.map((a) => a.succeeded)).toEqual([false, true]);
  });
});

describe("password sign-in under concurrency", () => {
  it("checks at most the limit of 20 concurrent wrong guesses against the password and refuses the rest as rate-limited", async () => {
    const user = await createUser();
    const now = at("2032-03-01T09:00:00Z");
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        signInWithPassword({ email: user.email, password: `parallel guess ${i}`, ip: uniqueIp(), now }).then(
          () => "signed in",
          (error: { code?: string }) => error.code ?? "thrown",
        ),
      ),
    );
    const checked = outcomes.filter((o) => o === "unauthenticated").length;
    expect(checked).toBeLessThanOrEqual(SIGN_IN_LIMITS.maxFailuresPerAccount);
    expect(outcomes.filter((o) => o === "rate_limited")).toHaveLength(20 - checked);
    const stored = await db().authAttempt.count({ where: { email: user.email } });
    expect(stored).toBe(checked);
  });

  it("counts 30 concurrent guesses from one address against the per-address limit", async () => {
    const ip = uniqueIp();
    const now = at("2032-03-02T09:00:00Z");
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        signInWithPassword({ email: uniqueEmail(`spray${i}`), password: "spray password", ip, now }).then(
          () => "signed in",
          (error: { code?: string }) => error.code ?? "thrown",
        ),
      ),
    );
    expect(outcomes.filter((o) => o === "unauthenticated").length).toBeLessThanOrEqual(SIGN_IN_LIMITS.maxFailuresPerIp);
    expect(outcomes.filter((o) => o === "rate_limited").length).toBeGreaterThanOrEqual(
      30 - SIGN_IN_LIMITS.maxFailuresPerIp,
    );
  });
});
