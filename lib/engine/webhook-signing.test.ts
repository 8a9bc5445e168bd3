import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { signWebhook, VERIFY_SNIPPET, verifyWebhookSignature } from "./webhook-signing";

describe("journey webhook signatures", () => {
  const secret = "whsec_test";
  const body = '{"user":"ada"}';

  it("verify with the same secret and body, within five minutes", () => {
    const at = new Date("2026-11-25T10:00:00Z");
    const header = signWebhook(secret, body, at);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(secret, body, header, new Date(at.getTime() + 60_000))).toBe(true);
    expect(verifyWebhookSignature(secret, body + " ", header, at)).toBe(false);
    expect(verifyWebhookSignature("whsec_other", body, header, at)).toBe(false);
    expect(verifyWebhookSignature(secret, body, header, new Date(at.getTime() + 10 * 60_000))).toBe(false);
  });

  it("the snippet Settings shows to receivers really checks them", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "cairn-snippet-"));
    const file = path.join(dir, "verify.mjs");
    writeFileSync(file, `${VERIFY_SNIPPET}\nexport { isFromCairn };\n`);
    const { isFromCairn } = (await import(pathToFileURL(file).href)) as {
      isFromCairn: (header: string, body: string, secret: string) => boolean;
    };
    const header = signWebhook(secret, body, new Date());
    expect(isFromCairn(header, body, secret)).toBe(true);
    expect(isFromCairn(header, '{"user":"eve"}', secret)).toBe(false);
    expect(isFromCairn(signWebhook(secret, body, new Date(Date.now() - 3_600_000)), body, secret)).toBe(false);
  });
});
