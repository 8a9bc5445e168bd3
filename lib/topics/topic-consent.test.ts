import { describe, expect, it } from "vitest";
import { topicDecision } from "./topic-consent";

describe("topicDecision", () => {
  const optOut = { name: "Product news", defaultStatus: "subscribed" as const };
  const optIn = { name: "Beta invites", defaultStatus: "unsubscribed" as const };

  it("lets everyone through an opt-out topic until they leave it", () => {
    expect(topicDecision(optOut, null)).toEqual({ allowed: true });
    expect(topicDecision(optOut, "subscribed")).toEqual({ allowed: true });
    expect(topicDecision(optOut, "unsubscribed")).toEqual({
      allowed: false,
      reason: 'Unsubscribed from the topic "Product news"',
    });
  });

  it("lets only who joined through an opt-in topic, and says which it was", () => {
    expect(topicDecision(optIn, null)).toEqual({
      allowed: false,
      reason: 'Not opted in to the topic "Beta invites" (it is opt-in)',
    });
    expect(topicDecision(optIn, "subscribed")).toEqual({ allowed: true });
    expect(topicDecision(optIn, "unsubscribed")).toMatchObject({ allowed: false });
  });
});
