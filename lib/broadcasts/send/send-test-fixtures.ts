import { randomUUID } from "node:crypto";
import type { WorkspaceContext } from "../../auth/context";
import { db } from "../../db/client";
import { saveChannelConfig } from "../../messaging/channel-config";
import type { Channel } from "../../messaging/liquid";
import { createTemplate } from "../../messaging/templates/create-template";
import { contextOf, createWorkspaceWithTeam } from "../../testing/factories";

/**
 * Test fixtures of the broadcast sender (lib/broadcasts/send/*.int.test.ts): a workspace whose email goes to a
 * local SMTP server, a template, people inserted directly, and a SENDING broadcast whose audience is already
 * materialized: its QUEUED messages written as H1a's materializeNextChunk writes them (broadcastId, variant, the
 * variant's template, idempotency key `b:<broadcastId>:<profileId>`).
 */

export const EMAIL_CONTENT = {
  subject: "Hello {{ profile.traits.first_name }}",
  html: "<p>Hi {{ profile.traits.first_name }} from {{ profile.traits.city }}. <a href='{{ unsubscribe_url }}'>Unsubscribe</a></p>",
};

export interface Person {
  email?: string | null;
  traits?: Record<string, unknown>;
  timezone?: string | null;
  userId?: string;
}

export interface SendFixture {
  owner: WorkspaceContext;
  workspaceId: string;
  templateId: string;
  broadcastId: string;
  /** message ids, in the order of the people given */
  messageIds: string[];
  profileIds: string[];
}

export async function sendFixture(options: {
  smtpPort?: number;
  people: Person[] | number;
  content?: Record<string, unknown>;
  channel?: Channel;
  /**
   * "messages" (default): the audience is already materialized, as QUEUED messages; "segment": the people are
   * members of a segment the broadcast names, and its audience is not read yet (the sender materializes it)
   */
  audience?: "messages" | "segment";
  broadcast?: Partial<{
    status: "SENDING" | "PAUSED" | "SCHEDULED" | "CANCELLED";
    throttlePerMinute: number | null;
    phase: string | null;
    testPercent: number | null;
    audienceDone: boolean;
    startedAt: Date | null;
    sendAt: Date | null;
    lastProgressAt: Date | null;
    cancelledAt: Date | null;
  }>;
}): Promise<SendFixture> {
  const channel = options.channel ?? "email";
  const team = await createWorkspaceWithTeam("Broadcast sender");
  const owner = await contextOf(team, "OWNER");
  if (options.smtpPort)
    await saveChannelConfig(owner, "email", {
      settings: { mode: "smtp", fromAddress: "news@shop.example", host: "127.0.0.1", port: options.smtpPort },
    });
  const template = await createTemplate(owner, {
    name: "Newsletter",
    channel,
    content: options.content ?? EMAIL_CONTENT,
  });
  const people: Person[] =
    typeof options.people === "number"
      ? Array.from({ length: options.people }, (_, i) => ({
          email: `reader-${i}@example.com`,
          traits: { first_name: `Reader${i}`, city: "Lyon" },
        }))
      : options.people;
  const profileIds = people.map(() => randomUUID());
  const now = new Date();
  await db().profile.createMany({
    data: people.map((p, i) => ({
      id: profileIds[i],
      workspaceId: team.id,
      userId: p.userId ?? `reader-${i}-${profileIds[i].slice(0, 8)}`,
      email: p.email === undefined ? null : p.email,
      timezone: p.timezone ?? null,
      traits: (p.traits ?? {}) as object,
      firstSeenAt: now,
      lastSeenAt: now,
    })),
  });
  const b = options.broadcast ?? {};
  const segmentId = randomUUID();
  const bySegment = options.audience === "segment";
  if (bySegment)
    await db().segmentMembership.createMany({
      data: profileIds.map((profileId) => ({ segmentId, profileId, workspaceId: team.id, enteredAt: now })),
    });
  const broadcast = await db().broadcast.create({
    data: {
      workspaceId: team.id,
      name: "Spring news",
      channel,
      status: b.status ?? "SENDING",
      segmentIds: bySegment ? [segmentId] : [],
      excludedSegmentIds: [],
      variants: [{ key: "A", name: "", templateId: template.id, weight: 100 }],
      throttlePerMinute: b.throttlePerMinute ?? null,
      phase: b.phase ?? null,
      testPercent: b.testPercent ?? null,
      audienceDone: b.audienceDone ?? !bySegment,
      audienceCount: bySegment ? 0 : people.length,
      startedAt: b.startedAt === undefined ? now : b.startedAt,
      sendAt: b.sendAt ?? null,
      lastProgressAt: b.lastProgressAt ?? null,
      cancelledAt: b.cancelledAt ?? null,
      createdByLabel: "test",
      updatedByLabel: "test",
    },
  });
  const messageIds = bySegment ? [] : profileIds.map(() => randomUUID());
  if (!bySegment)
    await db().message.createMany({
      data: profileIds.map((profileId, i) => ({
        id: messageIds[i],
        workspaceId: team.id,
        profileId,
        channel,
        templateId: template.id,
        idempotencyKey: `b:${broadcast.id}:${profileId}`,
        broadcastId: broadcast.id,
        variant: "A",
        context: { broadcast: { id: broadcast.id, name: "Spring news" } },
      })),
    });
  return { owner, workspaceId: team.id, templateId: template.id, broadcastId: broadcast.id, messageIds, profileIds };
}

/** A clock the test moves: starts at the real now (templates are pinned at the broadcast's start, which is real). */
export function testClock(start = new Date()) {
  let now = start.getTime();
  const clock = () => new Date(now);
  return Object.assign(clock, {
    advance(ms: number) {
      now += ms;
    },
  });
}

/** Each message's status, by id. */
export async function statuses(broadcastId: string): Promise<Record<string, number>> {
  const rows = await db().message.groupBy({ by: ["status"], where: { broadcastId }, _count: true });
  return Object.fromEntries(rows.map((r) => [r.status, r._count]));
}
