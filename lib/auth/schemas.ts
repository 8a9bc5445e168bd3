import { z } from "zod";

// A handful of the most common leaked passwords of 10+ characters; length does most of the work (NIST 800-63B).
const COMMON_PASSWORDS = new Set([
  "1234567890",
  "12345678910",
  "0123456789",
  "qwertyuiop",
  "password12",
  "password123",
  "password1234",
  "iloveyou12",
  "qwerty1234",
  "1q2w3e4r5t",
  "1qaz2wsx3edc",
  "abcdefghij",
  "aaaaaaaaaa",
  "passw0rd123",
  "letmein123",
  "welcome123",
  "administrator",
  "changeme123",
  "qwertyuiop123",
  "1111111111",
]);

export const ZEmail = z
  .string({ error: "Enter an email address" })
  .trim()
  .min(1, "Enter an email address")
  .max(254, "An email address has at most 254 characters")
  .pipe(z.email({ error: "Enter a valid email address, like name@example.com" }))
  .transform((email) => email.toLowerCase());

export const ZPassword = z
  .string({ error: "Enter a password" })
  .min(10, { error: "Use at least 10 characters", abort: true })
  .max(200, { error: "Use at most 200 characters", abort: true })
  .refine((p) => !COMMON_PASSWORDS.has(p.toLowerCase()), "This password is too common; choose another")
  .refine((p) => new Set(p).size >= 4, "This password is too easy to guess; use more varied characters");

export const ZPersonName = z
  .string({ error: "Enter your name" })
  .trim()
  .min(1, "Enter your name")
  .max(100, "A name has at most 100 characters");

export const ZWorkspaceName = z
  .string({ error: "Enter a workspace name" })
  .trim()
  .min(1, { error: "Enter a workspace name", abort: true })
  .min(2, "A workspace name has at least 2 characters")
  .max(60, "A workspace name has at most 60 characters");

/** First run: the owner account and the first workspace. */
export const ZCreateOwner = z
  .object({
    name: ZPersonName,
    email: ZEmail,
    password: ZPassword,
    workspaceName: ZWorkspaceName,
  })
  .strict()
  .refine((v) => !v.password.toLowerCase().includes(v.email.split("@")[0]) || v.email.split("@")[0].length < 4, {
    path: ["password"],
    message: "Your password must not contain your email address",
  });
export type TCreateOwner = z.input<typeof ZCreateOwner>;

export const ZSignIn = z.object({
  email: z.string().max(254),
  password: z.string().max(200),
});
