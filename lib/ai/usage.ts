import { pgPool } from "../db/pool";
import { db } from "../db/client";
import { AppError } from "../errors";
import { reserveUsage, selectUsage, settleUsage, type UsageCounts } from "./store/usage";

/**
 * Tokens per workspace per calendar month (UTC), against the workspace's monthly limit (Settings → AI). Before a
 * call, its prompt (estimated) and its answer's cap (max_tokens) are held against the month in one statement, so
 * calls running at once cannot together pass the limit; after it, the hold becomes what the provider reported. The
 * limit is overshot only by a prompt longer than its estimate (about four characters a token, and some per message).
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
  throw limitReached(usage, at);
}

function limitReached(usage: MonthUsage, at: Date, needed?: number): AppError {
  const next = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
  const used = `(${usage.totalTokens.toLocaleString("en")} of ${usage.limit.toLocaleString("en")} tokens)`;
  const what =
    needed === undefined || usage.remaining <= 0
      ? `used its AI token limit for ${usage.month} ${used}`
      : `has ${usage.remaining.toLocaleString("en")} AI tokens left for ${usage.month} ${used}, fewer than this request needs (about ${needed.toLocaleString("en")})`;
  return new AppError(
    "rate_limited",
    `This workspace ${what}. It resets on ${next.toISOString().slice(0, 10)}; an admin can raise it in Settings → AI.`,
    { retryAfterSeconds: Math.max(1, Math.ceil((next.getTime() - at.getTime()) / 1000)) },
  );
}

/** A prompt's tokens, estimated before the call: about four characters a token, plus a few per message. */
export function estimatePromptTokens(messages: { content: string }[]): number {
  return messages.reduce((sum, m) => sum + Math.ceil(m.content.length / 4) + 4, 0);
}

export interface TokenHold {
  month: string;
  /** the answer's cap: what the caller asked for, or what is left of the month after the prompt */
  maxTokens: number;
  held: number;
}

/** Holds the month's tokens for one call (its prompt estimate and its answer's cap), or a 429 when they are not left. */
export async function holdTokens(
  workspaceId: string,
  at: Date,
  promptEstimate: number,
  wanted: number,
): Promise<TokenHold> {
  // another call may take what was left between the read and the hold: read again and hold less, a few times
  for (let attempt = 0; ; attempt++) {
    const usage = await assertWithinLimit(workspaceId, at);
    const maxTokens = Math.min(wanted, usage.remaining - promptEstimate);
    if (maxTokens < 1 || attempt === 5) throw limitReached(usage, at, promptEstimate + 1);
    const held = promptEstimate + maxTokens;
    if (await reserveUsage(pgPool(), workspaceId, usage.month, held, usage.limit))
      return { month: usage.month, maxTokens, held };
  }
}

/** Replaces a hold with what the provider reported the call used, or releases it when the call failed. */
export async function settleTokens(
  workspaceId: string,
  hold: TokenHold,
  usage: { prompt_tokens?: number; completion_tokens?: number } | null | undefined,
  called: boolean,
): Promise<void> {
  const used = called
    ? {
        promptTokens: Math.max(0, Math.floor(usage?.prompt_tokens ?? 0)),
        completionTokens: Math.max(0, Math.floor(usage?.completion_tokens ?? 0)),
      }
    : null;
  await settleUsage(pgPool(), workspaceId, hold.month, hold.held, used);
}
