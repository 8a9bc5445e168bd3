import { pgPool } from "../db/pool";
import { db } from "../db/client";
import { AppError } from "../errors";
import { addUsage, selectUsage, type UsageCounts } from "./store/usage";

/**
 * Tokens per workspace per calendar month (UTC), against the workspace's monthly limit (Settings → AI). A call is
 * refused once the month's total reached the limit, and a call's answer is capped at what is left (max_tokens), so
 * calls running at once overshoot by at most their prompts.
 */

export function monthOf(at: Date): string {
  return at.toISOString().slice(0, 7);
}

export interface MonthUsage extends UsageCounts {
  month: string;
  totalTokens: number;
  limit: number;
  remaining: number;
}

export async function monthUsage(workspaceId: string, at: Date): Promise<MonthUsage> {
  const month = monthOf(at);
  const [counts, workspace] = await Promise.all([
    selectUsage(pgPool(), workspaceId, month),
    db().workspace.findUniqueOrThrow({ where: { id: workspaceId }, select: { aiMonthlyTokenLimit: true } }),
  ]);
  const totalTokens = counts.promptTokens + counts.completionTokens;
  const limit = workspace.aiMonthlyTokenLimit;
  return { month, ...counts, totalTokens, limit, remaining: Math.max(0, limit - totalTokens) };
}

/** The usage, or a 429 saying the month's limit is used up and when it resets. */
export async function assertWithinLimit(workspaceId: string, at: Date): Promise<MonthUsage> {
  const usage = await monthUsage(workspaceId, at);
  if (usage.remaining > 0) return usage;
  const next = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
  throw new AppError(
    "rate_limited",
    `This workspace used its AI token limit for ${usage.month} (${usage.totalTokens.toLocaleString("en")} of ${usage.limit.toLocaleString("en")} tokens). It resets on ${next.toISOString().slice(0, 10)}; an admin can raise it in Settings → AI.`,
    { retryAfterSeconds: Math.max(1, Math.ceil((next.getTime() - at.getTime()) / 1000)) },
  );
}

export async function recordUsage(
  workspaceId: string,
  at: Date,
  usage: { prompt_tokens?: number; completion_tokens?: number } | null | undefined,
): Promise<UsageCounts> {
  const prompt = Math.max(0, Math.floor(usage?.prompt_tokens ?? 0));
  const completion = Math.max(0, Math.floor(usage?.completion_tokens ?? 0));
  return addUsage(pgPool(), workspaceId, monthOf(at), prompt, completion);
}
