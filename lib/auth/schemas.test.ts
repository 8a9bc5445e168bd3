import { describe, expect, it } from "vitest";
import { zodIssuesToFields } from "../errors";
import { ZCreateOwner, ZEmail, ZPassword } from "./schemas";

function messagesOf(result: { success: boolean; error?: unknown }) {
  return result.success ? [] : zodIssuesToFields(result.error as never);
}

describe("ZEmail", () => {
  it("normalises case and whitespace", () => {
    expect(ZEmail.parse("  Ada@Example.COM ")).toBe("ada@example.com");
  });
  it.each(["", "ada", "ada@", "@example.com", "ada@example", "a b@example.com"])("rejects %j", (value) => {
    expect(ZEmail.safeParse(value).success).toBe(false);
  });
});

describe("ZPassword", () => {
  it("accepts a long passphrase", () => {
    expect(ZPassword.safeParse("correct horse battery").success).toBe(true);
  });
  it.each([
    ["short", "Use at least 10 characters"],
    ["1234567890", "This password is too common; choose another"],
    ["aaaaaaaaaaaa", "This password is too easy to guess; use more varied characters"],
    ["x".repeat(201), "Use at most 200 characters"],
  ])("rejects %j with a message that says why", (value, message) => {
    expect(messagesOf(ZPassword.safeParse(value)).map((f) => f.message)).toContain(message);
  });
});

describe("ZCreateOwner", () => {
  const valid = { name: "Ada", email: "ada@example.com", password: "correct horse battery", workspaceName: "Acme" };

  it("names every offending field", () => {
    const fields = messagesOf(
      ZCreateOwner.safeParse({ name: "", email: "nope", password: "short", workspaceName: "" }),
    );
    expect(fields.map((f) => f.path).sort()).toEqual(["email", "name", "password", "workspaceName"]);
  });

  it("gives one message per field, the first that applies", () => {
    const fields = messagesOf(ZCreateOwner.safeParse({ ...valid, password: "aaa", workspaceName: "" }));
    expect(fields).toEqual([
      { path: "password", message: "Use at least 10 characters" },
      { path: "workspaceName", message: "Enter a workspace name" },
    ]);
  });

  it("refuses a password that contains the email's name", () => {
    const fields = messagesOf(
      ZCreateOwner.safeParse({ ...valid, email: "adalovelace@example.com", password: "I am AdaLovelace 1815" }),
    );
    expect(fields).toEqual([{ path: "password", message: "Your password must not contain your email address" }]);
  });

  it("refuses fields it does not know (e.g. a role smuggled into the body)", () => {
    const fields = messagesOf(ZCreateOwner.safeParse({ ...valid, role: "OWNER" }));
    expect(fields[0].message).toMatch(/role/);
  });
});
