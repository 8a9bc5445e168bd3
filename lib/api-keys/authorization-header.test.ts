import { describe, expect, it } from "vitest";
import { apiKeyFromAuthorization } from "./api-keys";

const basic = (value: string) => `Basic ${Buffer.from(value).toString("base64")}`;

describe("apiKeyFromAuthorization", () => {
  it("reads the key from HTTP Basic with an empty password, as Segment clients send it", () => {
    expect(apiKeyFromAuthorization(basic("cairn_abc:"))).toBe("cairn_abc");
  });
  it("reads a Basic username without a colon", () => {
    expect(apiKeyFromAuthorization(basic("cairn_abc"))).toBe("cairn_abc");
  });
  it("reads a Bearer token, whatever the scheme's case", () => {
    expect(apiKeyFromAuthorization("Bearer cairn_abc")).toBe("cairn_abc");
    expect(apiKeyFromAuthorization("bearer cairn_abc")).toBe("cairn_abc");
  });
  it.each([null, "", "Bearer", "Token cairn_abc", "Digest abc"])("finds no key in %j", (header) => {
    expect(apiKeyFromAuthorization(header)).toBeNull();
  });
});
