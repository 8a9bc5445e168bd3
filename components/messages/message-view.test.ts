/** A webhook broadcast's message shows the request it made and the receiver's answer, not a rendered channel message. */
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { MessageDetail } from "@/lib/messaging/messages";
import { MessageContent } from "./message-view";

const webhookMessage = (content: Record<string, unknown> | null) =>
  ({ channel: "webhook", content }) as unknown as MessageDetail;

describe("MessageContent of a webhook message", () => {
  it("shows the method, URL, body sent and the answer", () => {
    const html = renderToStaticMarkup(
      createElement(MessageContent, {
        message: webhookMessage({
          method: "PUT",
          url: "https://crm.example/people/42",
          body: '{"plan":"pro"}',
          response: { status: 201, body: "created" },
        }),
      }),
    );
    expect(html).toContain("PUT");
    expect(html).toContain("https://crm.example/people/42");
    expect(html).toContain("{&quot;plan&quot;:&quot;pro&quot;}");
    expect(html).toContain("HTTP 201");
    expect(html).toContain("created");
  });

  it("says when nothing was answered yet, and an empty body as empty", () => {
    const html = renderToStaticMarkup(
      createElement(MessageContent, {
        message: webhookMessage({ method: "POST", url: "https://crm.example/hook", body: "", response: null }),
      }),
    );
    expect(html).toContain("(empty)");
    expect(html).toContain("No answer recorded yet");
  });
});
