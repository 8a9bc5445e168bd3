import { randomBytes } from "node:crypto";
import { z } from "zod";
import { API_KEY_PREFIX } from "../api-keys/api-keys";
import { hashPassword } from "../auth/password";
import { ZEmail, ZPassword } from "../auth/schemas";
import { recordAudit } from "../audit/audit-log";
import { db } from "../db/client";
import { AppError, parseInput } from "../errors";
import { hashToken } from "../security/tokens";

export const ZSeedInput = z.object({
  email: ZEmail.default("admin@cairn.local"),
  password: ZPassword.optional(),
  apiKey: z
    .string()
    .refine((key) => key.startsWith(API_KEY_PREFIX) && key.length >= API_KEY_PREFIX.length + 24, {
      message: `must start with "${API_KEY_PREFIX}" and have at least 24 more characters`,
    })
    .optional(),
});
export type SeedInput = z.input<typeof ZSeedInput>;

export interface SeedResult {
  workspace: { slug: string; name: string };
  email: string;
  /** null when the account existed and no password was given: its password is unchanged. */
  password: string | null;
  apiKey: string;
}

export const DEMO_WORKSPACE_SLUG = "demo";
const SEED_ACTOR = { kind: "system", label: "seed script" } as const;

/**
 * A demo workspace with an owner and a full API key. Safe to run again: with the same inputs it ends in
 * the same state (that is what makes SEED_* useful for scripts and tests).
 */
export async function seedDemoWorkspace(input: SeedInput): Promise<SeedResult> {
  const parsed = parseInput(ZSeedInput, input);
  const email = parsed.email;
  const givenPassword = parsed.password;
  const apiKey = parsed.apiKey ?? API_KEY_PREFIX + randomBytes(32).toString("base64url");

  const existing = await db().user.findUnique({ where: { email }, select: { id: true } });
  const password = givenPassword ?? (existing ? null : randomBytes(12).toString("base64url"));
  const passwordHash = password ? await hashPassword(password) : undefined;

  return db().$transaction(async (tx) => {
    const user = existing
      ? await tx.user.update({
          where: { id: existing.id },
          data: passwordHash ? { passwordHash, sessionVersion: { increment: 1 } } : {},
          select: { id: true },
        })
      : await tx.user.create({ data: { email, name: "Demo Admin", passwordHash }, select: { id: true } });
    const workspace =
      (await tx.workspace.findUnique({
        where: { slug: DEMO_WORKSPACE_SLUG },
        select: { id: true, slug: true, name: true },
      })) ??
      (await tx.workspace.create({
        data: { slug: DEMO_WORKSPACE_SLUG, name: "Demo workspace" },
        select: { id: true, slug: true, name: true },
      }));
    await tx.membership.upsert({
      where: { workspaceId_userId: { workspaceId: workspace.id, userId: user.id } },
      create: { workspaceId: workspace.id, userId: user.id, role: "OWNER" },
      update: { role: "OWNER" },
    });
    const keyHash = hashToken(apiKey);
    const key = await tx.apiKey.findUnique({ where: { keyHash }, select: { id: true, workspaceId: true } });
    if (key && key.workspaceId !== workspace.id)
      throw AppError.field("apiKey", "is already a key of another workspace");
    if (!key) {
      const created = await tx.apiKey.create({
        data: {
          workspaceId: workspace.id,
          name: "Seed key",
          scope: "FULL",
          prefix: apiKey.slice(0, API_KEY_PREFIX.length + 6),
          keyHash,
          createdById: user.id,
        },
        select: { id: true },
      });
      await recordAudit(tx, {
        workspaceId: workspace.id,
        actor: SEED_ACTOR,
        action: "api_key.created",
        targetType: "api_key",
        targetId: created.id,
        summary: `Created the full API key "Seed key"`,
      });
    } else {
      await tx.apiKey.update({ where: { id: key.id }, data: { revokedAt: null, scope: "FULL" } });
    }
    return { workspace: { slug: workspace.slug, name: workspace.name }, email, password, apiKey };
  });
}
