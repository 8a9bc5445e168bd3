import { expect } from "vitest";
import { workspaceContextForApiKey } from "../api-keys/api-keys";
import type { WorkspaceContext } from "../auth/context";
import { db } from "../db/client";
import type { Channel } from "../messaging/liquid";
import { createTemplate } from "../messaging/templates/create-template";
import { EngineDriver, publishGraph } from "./engine-driver";
import { contextOf } from "./factories";
import { ingestFixture, type IngestFixture } from "./ingest-helpers";

/**
 * Message delivery fixtures: a workspace (full API key, a member of each role), a template of one channel,
 * and a live journey `signed_up → send → exit`, so a `signed_up` event queues exactly one message.
 */

// Wednesday 2026-01-14 12:00 UTC: 13:00 in Paris (winter, UTC+1)
export const NOON = new Date("2026-01-14T12:00:00.000Z");

export const DEFAULT_CONTENT: Record<Channel, Record<string, unknown>> = {
  email: {
    subject: "Welcome, {{ profile.traits.first_name }}",
    html: '<p>Hi {{ profile.traits.first_name }}, see <a href="https://shop.example/new?a=1&amp;b=2">what is new</a>. <a href="{{ unsubscribe_url }}">Unsubscribe</a></p>',
  },
  sms: { body: "Hi {{ profile.traits.first_name }}, your code is 1234" },
  push: {
    title: "Hi {{ profile.traits.first_name }}",
    body: "Your cart misses you",
    deepLink: "https://shop.example/cart",
  },
  in_app: {
    title: "Welcome {{ profile.traits.first_name }}",
    body: "Your plan: {{ event.properties.plan }}",
    cta: { label: "Open", url: "https://shop.example/app" },
  },
};

export interface MessagingSetup {
  fixture: IngestFixture;
  /** the full API key's context */
  ctx: WorkspaceContext;
  owner: WorkspaceContext;
  driver: EngineDriver;
  channel: Channel;
  templateId: string;
  journeyId: string;
}

/** A workspace with a `channel` template and a live journey: signed_up → `action.<channel>` → exit. */
export async function setup(
  content?: Record<string, unknown>,
  options: { channel?: Channel; fixture?: IngestFixture } = {},
): Promise<MessagingSetup> {
  const channel = options.channel ?? "email";
  const fixture = options.fixture ?? (await ingestFixture("FULL"));
  const ctx = await workspaceContextForApiKey(fixture.key);
  const owner = await contextOf(fixture.team, "OWNER");
  const template = await createTemplate(ctx, {
    name: `Welcome ${channel}`,
    channel,
    content: content ?? DEFAULT_CONTENT[channel],
  });
  const { journeyId } = await publishGraph(ctx, {
    nodes: [
      {
        id: "trigger",
        type: "trigger.event",
        position: { x: 0, y: 0 },
        config: { eventName: "signed_up", filters: [] },
      },
      { id: "send", type: `action.${channel}`, position: { x: 0, y: 100 }, config: { templateId: template.id } },
      { id: "end", type: "exit", position: { x: 0, y: 200 }, config: {} },
    ],
    edges: [
      { id: "e1", source: "trigger", target: "send" },
      { id: "e2", source: "send", target: "end" },
    ],
    settings: { reentry: { mode: "always" } },
  } as never);
  return { fixture, ctx, owner, driver: new EngineDriver(ctx, NOON), channel, templateId: template.id, journeyId };
}

/** Identifies a person (traits, and `context` such as timezone or device) and triggers the journey; returns the id of the message it queued. */
export async function queueFor(
  s: MessagingSetup,
  userId: string,
  traits: Record<string, unknown>,
  context: Record<string, unknown> = {},
): Promise<string> {
  await s.driver.send([{ type: "identify", userId, traits, context }]);
  const before = s.driver.messages.length;
  await s.driver.track(userId, "signed_up", { plan: "pro" });
  expect(s.driver.messages.length).toBe(before + 1);
  return s.driver.messages[s.driver.messages.length - 1];
}

export async function messageRow(id: string) {
  return db().message.findUniqueOrThrow({ where: { id } });
}

/** The message's timeline, oldest first. */
export async function timeline(id: string): Promise<string[]> {
  const events = await db().messageEvent.findMany({
    where: { messageId: id },
    orderBy: [{ at: "asc" }, { id: "asc" }],
  });
  return events.map((e) => e.type);
}

/** The profile events (ingested through the pipeline) of a person with these names. */
export async function profileEvents(workspaceId: string, userId: string, names: string[]) {
  return db().event.findMany({ where: { workspaceId, userId, name: { in: names } }, orderBy: { id: "asc" } });
}

export async function profileOf(workspaceId: string, userId: string) {
  return db().profile.findFirstOrThrow({ where: { workspaceId, userId } });
}
