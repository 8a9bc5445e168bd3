import OpenAI from "openai";
import { z } from "zod";
import { AppError } from "../errors";
import { OutboundBlockedError, OutboundTimeoutError, outboundRequest, sanitizedReason } from "../security/outbound";
import { type ProviderSecret, providerSecret } from "./provider";
import { estimatePromptTokens, holdTokens, settleTokens } from "./usage";

/**
 * One chat completion for a workspace, through its OpenAI-compatible provider, with the `openai` package:
 *   - every request goes through the outbound guard (the package's `fetch` is ours: outboundRequest pins the checked
 *     address, refuses private ones unless the operator allowed them, follows no redirect, caps the answer);
 *   - a deadline (DEFAULT_TIMEOUT_MS) and no automatic retry: a person waits for the answer, and a 429 says when to
 *     try again rather than the client sleeping through it;
 *   - the package never reads OPENAI_API_KEY / OPENAI_BASE_URL from the environment (both always given), so the
 *     operator's own key cannot reach a tenant's URL; the key is never logged or echoed in an error;
 *   - refused once the month's tokens reached the workspace's limit, capped at what is left, and the answer's
 *     `usage` added to the month atomically;
 *   - failures become AppErrors that say what to fix (401 key, 404 model, 429 rate limit with its retry-after,
 *     timeout, unreachable, not a chat completion).
 */

export const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_ANSWER_BYTES = 2 * 1024 * 1024;
export const NOT_CONNECTED =
  "No AI provider is connected to this workspace: an admin connects an OpenAI-compatible one (OpenAI, Azure OpenAI, Ollama, vLLM) in Settings → AI.";

export interface ChatMessage {
  role: "system" | "user";
  content: string;
}

export interface ChatOptions {
  maxTokens?: number;
  temperature?: number;
  /** ask for a JSON object (response_format json_object) */
  json?: boolean;
  timeoutMs?: number;
  now?: Date;
  /** a provider to use instead of the stored one (Test connection before saving) */
  provider?: ProviderSecret;
}

const ZCompletion = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string().nullable().optional() }) })).min(1),
  usage: z
    .object({ prompt_tokens: z.number().optional(), completion_tokens: z.number().optional() })
    .nullable()
    .optional(),
});

/** The `fetch` the openai package calls: through the outbound guard, without Authorization when there is no key. */
function guardedFetch(timeoutMs: number, hasKey: boolean): typeof fetch {
  return async (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, name) => {
      headers[name] = value;
    });
    if (!hasKey) delete headers.authorization;
    const body = init?.body;
    const answer = await outboundRequest(url, {
      method: init?.method ?? "GET",
      headers,
      body: typeof body === "string" ? body : body instanceof Uint8Array ? body : undefined,
      timeoutMs,
      signal: init?.signal ?? undefined,
      maxBytes: MAX_ANSWER_BYTES,
    });
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value === undefined) continue;
      for (const one of Array.isArray(value) ? value : [value]) responseHeaders.append(name, one);
    }
    const empty = answer.status === 204 || answer.status === 304;
    return new Response(empty ? null : new Uint8Array(answer.body), {
      status: answer.status,
      statusText: answer.statusText,
      headers: responseHeaders,
    });
  };
}

function clientFor(provider: ProviderSecret, timeoutMs: number): OpenAI {
  return new OpenAI({
    baseURL: provider.baseUrl,
    // the package wants a key; without one the guarded fetch drops the header
    apiKey: provider.apiKey ?? "no-key",
    organization: null,
    project: null,
    maxRetries: 0,
    timeout: timeoutMs,
    // never the package's own logging (OPENAI_LOG=debug would print requests): errors are ours to word
    logLevel: "off",
    fetch: guardedFetch(timeoutMs, provider.apiKey !== null),
  });
}

function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current && chain.length < 5) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

/** A failed call as an AppError with words the person can act on; nothing of the key in it. */
export function llmError(error: unknown, provider: ProviderSecret, timeoutMs: number): AppError {
  const secrets = [provider.apiKey];
  const detail = (message: string) => sanitizedReason(message, { max: 200, secrets });
  const host = (() => {
    try {
      return new URL(provider.baseUrl).host;
    } catch {
      return provider.baseUrl;
    }
  })();
  if (error instanceof AppError) return error;
  const chain = causeChain(error);
  const blocked = chain.find((e) => e instanceof OutboundBlockedError) as OutboundBlockedError | undefined;
  if (blocked) return AppError.field("baseUrl", `The AI provider was not called: ${blocked.message}`);
  if (
    error instanceof OpenAI.APIConnectionTimeoutError ||
    chain.some((e) => e instanceof OutboundTimeoutError || (e as Error)?.name === "TimeoutError")
  )
    return new AppError(
      "provider_error",
      `The AI provider (${host}) did not answer within ${timeoutMs < 1_000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`}; try again, or a smaller or faster model.`,
    );
  if (error instanceof OpenAI.AuthenticationError || error instanceof OpenAI.PermissionDeniedError)
    return new AppError(
      "provider_error",
      `The AI provider (${host}) refused the API key (${error.status}): check the key in Settings → AI.`,
    );
  if (error instanceof OpenAI.NotFoundError)
    return new AppError(
      "provider_error",
      `The AI provider (${host}) has no model "${provider.model}" at this base URL (404): check the model name and the base URL in Settings → AI.`,
    );
  if (error instanceof OpenAI.RateLimitError) {
    const header = error.headers?.get("retry-after");
    const seconds = header && /^\d+(\.\d+)?$/.test(header) ? Math.ceil(Number(header)) : undefined;
    return new AppError(
      "rate_limited",
      `The AI provider (${host}) is rate-limiting this workspace (429)${seconds ? `; try again in ${seconds} s` : "; try again shortly"}.`,
      { retryAfterSeconds: seconds ?? 30 },
    );
  }
  if (error instanceof OpenAI.APIConnectionError) {
    const code = chain.map((e) => (e as { code?: unknown })?.code).find((c) => typeof c === "string");
    return new AppError("provider_error", `Could not reach the AI provider (${host}): ${code ?? "connection failed"}.`);
  }
  if (error instanceof OpenAI.APIError)
    return new AppError(
      "provider_error",
      `The AI provider (${host}) answered ${error.status ?? "with an error"}: ${detail(error.message)}`,
    );
  if (error instanceof SyntaxError)
    return new AppError("provider_error", `The AI provider (${host}) answered something that is not JSON.`);
  return new AppError("provider_error", `The AI provider (${host}) failed: ${detail(String(error))}`);
}

/** Sends `messages`; answers the assistant's text and the tokens the call used (already added to the month). */
export async function chatCompletion(
  workspaceId: string,
  messages: ChatMessage[],
  options: ChatOptions = {},
): Promise<{ content: string; usage: { promptTokens: number; completionTokens: number } }> {
  const provider = options.provider ?? (await providerSecret(workspaceId));
  if (!provider) throw new AppError("conflict", NOT_CONNECTED);
  const now = options.now ?? new Date();
  const hold = await holdTokens(workspaceId, now, estimatePromptTokens(messages), options.maxTokens ?? 1_000);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let raw: unknown;
  try {
    raw = await clientFor(provider, timeoutMs).chat.completions.create({
      model: provider.model,
      messages,
      max_tokens: hold.maxTokens,
      temperature: options.temperature ?? 0.7,
      ...(options.json ? { response_format: { type: "json_object" as const } } : {}),
    });
  } catch (error) {
    await settleTokens(workspaceId, hold, null, false);
    throw llmError(error, provider, timeoutMs);
  }
  const host = new URL(provider.baseUrl).host;
  const parsed = ZCompletion.safeParse(raw);
  if (!parsed.success) {
    await settleTokens(workspaceId, hold, null, false);
    throw new AppError(
      "provider_error",
      `The AI provider (${host}) answered something that is not a chat completion${typeof raw === "string" ? " (not JSON)" : ""}.`,
    );
  }
  const counted = parsed.data.usage ?? null;
  await settleTokens(workspaceId, hold, counted, true);
  return {
    content: parsed.data.choices[0].message.content ?? "",
    usage: { promptTokens: counted?.prompt_tokens ?? 0, completionTokens: counted?.completion_tokens ?? 0 },
  };
}
