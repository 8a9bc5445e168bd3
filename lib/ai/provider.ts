import { z } from "zod";
import { recordAudit } from "../audit/audit-log";
import { requirePermission, type WorkspaceContext } from "../auth/context";
import { db } from "../db/client";
import { AppError, parseInput } from "../errors";
import { decryptSecret, encryptSecret } from "../security/encryption";
import { literalAddressProblem } from "../security/outbound";

/**
 * The workspace's OpenAI-compatible provider (OpenAI, Azure OpenAI's /openai/v1, Ollama's /v1, vLLM ...): a base
 * URL, a model and an optional key. The key is stored AES-256-GCM (lib/security/encryption.ts) and never answered:
 * only whether one is set and its last four characters. The base URL is a tenant-set URL: every call goes through
 * the outbound guard (lib/ai/client.ts), and a literal address the guard refuses is refused here already.
 */

export const ZAiProvider = z
  .object({
    baseUrl: z
      .string({ error: "Give the provider's base URL" })
      .trim()
      .min(1, "Give the provider's base URL")
      .max(500, "At most 500 characters")
      .refine((v) => {
        try {
          const url = new URL(v);
          return (url.protocol === "https:" || url.protocol === "http:") && !url.username && !url.password;
        } catch {
          return false;
        }
      }, "must be an http(s) URL without credentials, e.g. https://api.openai.com/v1")
      .transform((v) => v.replace(/\/+$/, "")),
    model: z
      .string({ error: "Name the model" })
      .trim()
      .min(1, "Name the model")
      .max(200, "At most 200 characters")
      .regex(/^[\w.:/@+-]+$/, "must be a model name such as gpt-4o-mini or llama3.1:8b"),
    /** omitted: keep the stored key; null or "": no key (a local server without auth) */
    apiKey: z
      .string()
      .trim()
      .max(500, "At most 500 characters")
      .regex(/^\S*$/, "must not contain spaces")
      .nullable()
      .optional(),
  })
  .strict();

export interface ProviderSummary {
  baseUrl: string;
  model: string;
  apiKey: { set: boolean; last4: string | null };
  updatedAt: string;
}

export interface ProviderSecret {
  baseUrl: string;
  model: string;
  apiKey: string | null;
}

function last4(cipher: string | null): string | null {
  if (!cipher) return null;
  try {
    return decryptSecret(cipher).slice(-4);
  } catch {
    return null;
  }
}

export async function providerSummary(workspaceId: string): Promise<ProviderSummary | null> {
  const row = await db().llmProvider.findUnique({ where: { workspaceId } });
  if (!row) return null;
  return {
    baseUrl: row.baseUrl,
    model: row.model,
    apiKey: { set: row.apiKeyCipher !== null, last4: last4(row.apiKeyCipher) },
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The provider with its key in clear, for the client only (never answered, never logged). */
export async function providerSecret(workspaceId: string): Promise<ProviderSecret | null> {
  const row = await db().llmProvider.findUnique({ where: { workspaceId } });
  if (!row) return null;
  return {
    baseUrl: row.baseUrl,
    model: row.model,
    apiKey: row.apiKeyCipher ? decryptSecret(row.apiKeyCipher) : null,
  };
}

/** Connects or changes the provider (admins); the key is kept when `apiKey` is omitted. Audited without the key. */
export async function saveProvider(ctx: WorkspaceContext, input: unknown): Promise<ProviderSummary> {
  requirePermission(ctx, "settings:manage");
  const { baseUrl, model, apiKey } = parseInput(ZAiProvider, input);
  const blocked = literalAddressProblem(baseUrl);
  if (blocked) throw AppError.field("baseUrl", blocked);
  const keyData =
    apiKey === undefined ? {} : { apiKeyCipher: apiKey === null || apiKey === "" ? null : encryptSecret(apiKey) };
  await db().$transaction(async (tx) => {
    await tx.llmProvider.upsert({
      where: { workspaceId: ctx.workspace.id },
      create: { workspaceId: ctx.workspace.id, baseUrl, model, apiKeyCipher: null, ...keyData },
      update: { baseUrl, model, ...keyData },
    });
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "ai.provider_saved",
      targetType: "workspace",
      targetId: ctx.workspace.id,
      summary: `Connected the AI provider ${new URL(baseUrl).host} (model ${model})${
        apiKey === undefined ? "" : apiKey ? ", with a new key" : ", without a key"
      }`,
      metadata: { baseUrl, model, keyChanged: apiKey !== undefined },
    });
  });
  return (await providerSummary(ctx.workspace.id))!;
}

export async function deleteProvider(ctx: WorkspaceContext): Promise<{ deleted: boolean }> {
  requirePermission(ctx, "settings:manage");
  const deleted = await db().$transaction(async (tx) => {
    const { count } = await tx.llmProvider.deleteMany({ where: { workspaceId: ctx.workspace.id } });
    if (count)
      await recordAudit(tx, {
        workspaceId: ctx.workspace.id,
        actor: ctx.actor,
        action: "ai.provider_removed",
        targetType: "workspace",
        targetId: ctx.workspace.id,
        summary: "Disconnected the AI provider (its key is deleted)",
      });
    return count > 0;
  });
  return { deleted };
}
