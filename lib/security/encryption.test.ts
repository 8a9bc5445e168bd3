import { beforeAll, describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret } from "./encryption";

beforeAll(() => {
  process.env.CAIRN_ENCRYPTION_KEY = "unit-test-key";
});

describe("secrets at rest", () => {
  it("round-trips, with a fresh IV each time", () => {
    const a = encryptSecret("shpss_secret");
    expect(a).toMatch(/^v1\./);
    expect(a).not.toContain("shpss_secret");
    expect(encryptSecret("shpss_secret")).not.toBe(a);
    expect(decryptSecret(a)).toBe("shpss_secret");
  });

  it("refuses a tampered ciphertext", () => {
    const parts = encryptSecret("secret").split(".");
    parts[3] = Buffer.from("tampered").toString("base64url");
    expect(() => decryptSecret(parts.join("."))).toThrow();
  });

  it("refuses a ciphertext made with another key", () => {
    const stored = encryptSecret("secret");
    process.env.CAIRN_ENCRYPTION_KEY = "another key";
    expect(() => decryptSecret(stored)).toThrow();
    process.env.CAIRN_ENCRYPTION_KEY = "unit-test-key";
  });
});
