import { describe, expect, it } from "vitest";
import { smtpPoolSize } from "../../messaging/providers/smtp";
import { throttlePlan } from "./run-broadcast";
import { sendConcurrency } from "./send-batch";

describe("the sender's settings", () => {
  it("paces a throttle as an allowance per window that adds up to the rate", () => {
    expect(throttlePlan(null)).toBeNull();
    expect(throttlePlan(0)).toBeNull();
    expect(throttlePlan(100)).toEqual({ allowance: 16, windowMs: 9_600 });
    expect(throttlePlan(60)).toEqual({ allowance: 10, windowMs: 10_000 });
    // below six a minute a window holds one message
    expect(throttlePlan(1)).toEqual({ allowance: 1, windowMs: 60_000 });
    expect(throttlePlan(4)).toEqual({ allowance: 1, windowMs: 15_000 });
    for (const perMinute of [1, 7, 100, 999, 60_000]) {
      const { allowance, windowMs } = throttlePlan(perMinute)!;
      expect((allowance * 60_000) / windowMs).toBeLessThanOrEqual(perMinute);
      expect((allowance * 60_000) / windowMs).toBeGreaterThan(perMinute * 0.99);
    }
  });

  it("sizes the SMTP pool from CAIRN_SMTP_MAX_CONNECTIONS and CAIRN_SMTP_MAX_MESSAGES, whole numbers in range", () => {
    expect(smtpPoolSize({})).toEqual({ maxConnections: 3, maxMessages: 1_000 });
    expect(smtpPoolSize({ CAIRN_SMTP_MAX_CONNECTIONS: "8", CAIRN_SMTP_MAX_MESSAGES: "5000" })).toEqual({
      maxConnections: 8,
      maxMessages: 5_000,
    });
    for (const wrong of ["", "abc", "0", "-2", "2.5", "101"])
      expect(smtpPoolSize({ CAIRN_SMTP_MAX_CONNECTIONS: wrong }).maxConnections).toBe(3);
    for (const wrong of ["0", "1e9", "x"])
      expect(smtpPoolSize({ CAIRN_SMTP_MAX_MESSAGES: wrong }).maxMessages).toBe(1_000);
  });

  it("keeps twice the pool's connections busy with email, or CAIRN_BROADCAST_SEND_CONCURRENCY", () => {
    expect(sendConcurrency("email", {})).toBe(6);
    expect(sendConcurrency("email", { CAIRN_SMTP_MAX_CONNECTIONS: "10" })).toBe(20);
    expect(sendConcurrency("sms", {})).toBe(16);
    expect(sendConcurrency("email", { CAIRN_BROADCAST_SEND_CONCURRENCY: "40" })).toBe(40);
    for (const wrong of ["0", "1001", "1.5", "many"])
      expect(sendConcurrency("email", { CAIRN_BROADCAST_SEND_CONCURRENCY: wrong })).toBe(6);
  });
});
