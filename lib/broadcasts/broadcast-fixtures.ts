import { randomUUID } from "node:crypto";
import { createApiKey, workspaceContextForApiKey } from "../api-keys/api-keys";
import type { WorkspaceContext } from "../auth/context";
import type { RoleName } from "../auth/permissions";
import { db, type Prisma } from "../db/client";
import { contextOf, createWorkspaceWithTeam, type TestWorkspace } from "../testing/factories";

/**
 * Test fixtures for the broadcast lifecycle: a workspace with one member of each role and a full API key, manual
 * segments, saved templates, and people written directly (with their memberships). Tests only.
 */

export const AT = new Date("2026-03-20T10:00:00.000Z");

export interface BroadcastWorld {
  team: TestWorkspace;
  as: (role: RoleName) => Promise<WorkspaceContext>;
  key: WorkspaceContext;
  bearer: { authorization: string };
}

export async function broadcastWorld(): Promise<BroadcastWorld> {
  const team = await createWorkspaceWithTeam("Broadcasts");
  const { secret } = await createApiKey(await contextOf(team, "OWNER"), { name: "Backend", scope: "FULL" });
  return {
    team,
    as: (role) => contextOf(team, role),
    key: await workspaceContextForApiKey(secret),
    bearer: { authorization: `Bearer ${secret}` },
  };
}

export async function createSegmentRow(workspaceId: string, name = "Customers", archived = false): Promise<string> {
  const row = await db().segment.create({
    data: {
      workspaceId,
      name,
      kind: "manual",
      createdByLabel: "tests",
      updatedByLabel: "tests",
      archivedAt: archived ? AT : null,
    },
    select: { id: true },
  });
  return row.id;
}

export const EMAIL_CONTENT = {
  subject: "Hi {{ profile.traits.first_name }}",
  html: "<p>Spring sale for {{ profile.traits.first_name }}</p>",
  text: "Spring sale",
};

/** A template with `versions` saved versions (0: created, never saved). */
export async function createTemplateRow(
  workspaceId: string,
  channel = "email",
  options: { name?: string; versions?: number; archived?: boolean; content?: Record<string, unknown> } = {},
): Promise<string> {
  const versions = options.versions ?? 1;
  const row = await db().messageTemplate.create({
    data: {
      workspaceId,
      name: options.name ?? `${channel} template`,
      channel,
      currentVersion: versions,
      archivedAt: options.archived ? AT : null,
      versions: {
        create: Array.from({ length: versions }, (_, i) => ({
          version: i + 1,
          content: (options.content ??
            (channel === "sms"
              ? { body: "Sale {{ profile.traits.first_name }}" }
              : EMAIL_CONTENT)) as Prisma.InputJsonValue,
          createdByLabel: "tests",
        })),
      },
    },
    select: { id: true },
  });
  return row.id;
}

export interface PersonSpec {
  email?: string | null;
  phone?: string | null;
  timezone?: string | null;
  userId?: string | null;
  traits?: Record<string, unknown>;
  segments?: string[];
}

/** People with their memberships; returns their ids in the order given. */
export async function createPeople(workspaceId: string, specs: PersonSpec[]): Promise<string[]> {
  const ids = specs.map(() => randomUUID());
  await db().profile.createMany({
    data: specs.map((s, i) => ({
      id: ids[i],
      workspaceId,
      userId: s.userId === undefined ? `user-${ids[i].slice(0, 8)}` : s.userId,
      email: s.email === undefined ? `${ids[i].slice(0, 8)}@example.com` : s.email,
      phone: s.phone ?? null,
      timezone: s.timezone ?? null,
      traits: (s.traits ?? { first_name: `P${i}` }) as Prisma.InputJsonValue,
      firstSeenAt: AT,
      lastSeenAt: AT,
    })),
  });
  await db().segmentMembership.createMany({
    data: specs.flatMap((s, i) =>
      (s.segments ?? []).map((segmentId) => ({ segmentId, profileId: ids[i], workspaceId, enteredAt: AT })),
    ),
  });
  return ids;
}

/** A valid create body for an email broadcast to `segmentIds` with one variant. */
export function draftBody(segmentIds: string[], templateId: string, extra: Record<string, unknown> = {}) {
  return {
    name: "Spring sale",
    channel: "email" as const,
    segmentIds,
    variants: [{ key: "A", templateId, weight: 100 }],
    ...extra,
  };
}

/** Queued, sent, … messages of a broadcast, written as its sender would. */
export async function createBroadcastMessages(
  workspaceId: string,
  broadcastId: string,
  profileIds: string[],
  status: "QUEUED" | "SENT" | "DELIVERED" | "FAILED" | "SUPPRESSED" | "BOUNCED",
  options: { variant?: string; claimedUntil?: Date | null; templateId?: string } = {},
): Promise<void> {
  await db().message.createMany({
    data: profileIds.map((profileId) => ({
      workspaceId,
      profileId,
      channel: "email",
      templateId: options.templateId ?? randomUUID(),
      status,
      idempotencyKey: `b:${broadcastId}:${profileId}`,
      broadcastId,
      variant: options.variant ?? "A",
      claimedUntil: options.claimedUntil ?? null,
      sentAt: status === "QUEUED" ? null : AT,
    })),
  });
}
