import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A real local HTTP server speaking the chat completions API of OpenAI-compatible providers (OpenAI, Azure OpenAI,
 * Ollama, vLLM), for tests: Cairn's real client (the `openai` package through the outbound guard) talks to it over
 * 127.0.0.1. Each test scripts the answers; the server records every request it received, so a test can assert on
 * what the prompt carried (and did not).
 *
 * - A wrong or missing key is 401 and an unknown model 404, with OpenAI's error bodies, before any script runs.
 * - Otherwise each request takes the next scripted answer (or `fallback`): a completion with usage, an error status
 *   (429 with retry-after, 500 ...), a non-JSON body, or a completion that answers only after `delayMs`.
 */

export type ScriptedAnswer =
  | {
      kind: "chat";
      /** the assistant message's content (a JSON document when Cairn asked for JSON) */
      content: string;
      usage?: { prompt_tokens: number; completion_tokens: number };
      delayMs?: number;
    }
  | { kind: "error"; status: number; message?: string; headers?: Record<string, string> }
  | { kind: "raw"; status: number; body: string; contentType?: string };

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** the parsed JSON body (null when it was not JSON) */
  body: {
    model?: string;
    messages?: { role: string; content: string }[];
    response_format?: unknown;
    max_tokens?: number;
    max_completion_tokens?: number;
  } | null;
}

export interface OpenAiCompatibleServer {
  /** the base URL a workspace connects (http://127.0.0.1:<port>/v1) */
  baseUrl: string;
  port: number;
  apiKey: string;
  models: string[];
  requests: ReceivedRequest[];
  /** queues answers for the next requests, in order */
  script(...answers: ScriptedAnswer[]): void;
  /** drops answers scripted and not taken, and the fallback (between tests) */
  reset(): void;
  /** what a request gets when nothing is scripted (default: a 500 saying so, so a test never passes by accident) */
  fallback: ((request: ReceivedRequest) => ScriptedAnswer) | null;
  close(): Promise<void>;
}

export const chat = (
  content: unknown,
  usage = { prompt_tokens: 120, completion_tokens: 40 },
  delayMs?: number,
): ScriptedAnswer => ({
  kind: "chat",
  content: typeof content === "string" ? content : JSON.stringify(content),
  usage,
  delayMs,
});

function errorBody(message: string, type: string, code: string | null) {
  return JSON.stringify({ error: { message, type, param: null, code } });
}

export async function startOpenAiCompatibleServer(
  options: { apiKey?: string; models?: string[]; port?: number } = {},
): Promise<OpenAiCompatibleServer> {
  const apiKey = options.apiKey ?? "sk-test-0123456789abcdef";
  const models = options.models ?? ["cairn-test-model"];
  const queue: ScriptedAnswer[] = [];
  const requests: ReceivedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      let body: ReceivedRequest["body"] = null;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        body = null;
      }
      const received: ReceivedRequest = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body };
      requests.push(received);
      const send = (status: number, text: string, headers: Record<string, string> = {}) => {
        if (res.destroyed) return;
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(text);
      };
      if (req.headers.authorization !== `Bearer ${apiKey}`)
        return send(401, errorBody("Incorrect API key provided.", "invalid_request_error", "invalid_api_key"));
      if (req.method !== "POST" || !req.url?.endsWith("/chat/completions"))
        return send(404, errorBody(`Unknown path ${req.url}`, "invalid_request_error", null));
      if (!body?.model || !models.includes(body.model))
        return send(
          404,
          errorBody(`The model \`${body?.model}\` does not exist`, "invalid_request_error", "model_not_found"),
        );
      const answer = queue.shift() ??
        handle.fallback?.(received) ?? { kind: "error", status: 500, message: "nothing scripted" };
      if (answer.kind === "error")
        return send(
          answer.status,
          errorBody(answer.message ?? `error ${answer.status}`, "server_error", null),
          answer.headers,
        );
      if (answer.kind === "raw")
        return send(answer.status, answer.body, { "content-type": answer.contentType ?? "text/html" });
      const completion = JSON.stringify({
        id: `chatcmpl-${requests.length}`,
        object: "chat.completion",
        created: 1_765_000_000,
        model: body.model,
        choices: [
          { index: 0, message: { role: "assistant", content: answer.content }, finish_reason: "stop", logprobs: null },
        ],
        usage: answer.usage
          ? { ...answer.usage, total_tokens: answer.usage.prompt_tokens + answer.usage.completion_tokens }
          : undefined,
      });
      if (!answer.delayMs) return send(200, completion);
      const timer = setTimeout(() => {
        timers.delete(timer);
        send(200, completion);
      }, answer.delayMs);
      timers.add(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const handle: OpenAiCompatibleServer = {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    port,
    apiKey,
    models,
    requests,
    script: (...answers) => queue.push(...answers),
    reset: () => {
      queue.length = 0;
      handle.fallback = null;
    },
    fallback: null,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return handle;
}
