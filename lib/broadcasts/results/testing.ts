import { randomUUID } from "node:crypto";
import { db, type Prisma } from "../../db/client";

/**
 * Rows for the results tests, written directly (the sender and the audience are other people's code): a broadcast,
 * its messages as the sender leaves them, held-out people, profiles and events. Test-only.
 */

export const T0 = new Date("2026-03-01T10:00:00.000Z");
const HOUR = 3_600_000;
export const at = (hours: number) => new Date(T0.getTime() + hours * HOUR);

export async function insertBroadcast(
  workspaceId: string,
  fields: Partial<Prisma.BroadcastUncheckedCreateInput> = {},
): Promise<string> {
  const id = randomUUID();
  await db().broadcast.create({
    data: {
      id,
      workspaceId,
      name: "Spring sale",
      channel: "email",
      status: "SENDING",
      segmentIds: [],
      excludedSegmentIds: [],
      variants: [
        { key: "A", name: "Plain", templateId: randomUUID(), weight: 50 },
        { key: "B", name: "", templateId: randomUUID(), weight: 50 },
      ],
      startedAt: T0,
      audienceDone: true,
      createdByLabel: "test",
      updatedByLabel: "test",
      ...fields,
    },
  });
  return id;
}

export interface MessageSpec {
  variant: string;
  profileId?: string;
  status?: "QUEUED" | "SENT" | "DELIVERED" | "BOUNCED" | "FAILED" | "SUPPRESSED" | "CANCELLED";
  createdAt?: Date;
  sentAt?: Date | null;
  deliveredAt?: Date | null;
  openedAt?: Date | null;
  clickedAt?: Date | null;
  events?: { type: string; at: Date }[];
}

/** Messages of a broadcast (one per profile, as the audience creates them); returns the profile ids. */
export async function insertMessages(
  workspaceId: string,
  broadcastId: string,
  specs: MessageSpec[],
): Promise<string[]> {
  const rows = specs.map((s) => {
    const profileId = s.profileId ?? randomUUID();
    return {
      id: randomUUID(),
      workspaceId,
      profileId,
      broadcastId,
      variant: s.variant,
      channel: "email",
      templateId: randomUUID(),
      status: s.status ?? (s.sentAt === undefined || s.sentAt ? "SENT" : "QUEUED"),
      idempotencyKey: `b:${broadcastId}:${profileId}`,
      createdAt: s.createdAt ?? at(0),
      sentAt: s.sentAt === undefined ? at(0.02) : s.sentAt,
      deliveredAt: s.deliveredAt ?? null,
      openedAt: s.openedAt ?? null,
      clickedAt: s.clickedAt ?? null,
    };
  });
  await db().message.createMany({ data: rows });
  const events = specs.flatMap((s, i) =>
    (s.events ?? []).map((e) => ({ messageId: rows[i].id, workspaceId, type: e.type, at: e.at })),
  );
  if (events.length) await db().messageEvent.createMany({ data: events });
  return rows.map((r) => r.profileId);
}

export async function insertProfiles(workspaceId: string, ids: { id: string; mergedIntoId?: string }[]) {
  await db().profile.createMany({
    data: ids.map((p) => ({
      id: p.id,
      workspaceId,
      mergedIntoId: p.mergedIntoId ?? null,
      firstSeenAt: T0,
      lastSeenAt: T0,
    })),
  });
}

export async function insertEvents(
  workspaceId: string,
  events: { profileId: string; name: string; at: Date; properties?: Record<string, unknown> }[],
) {
  await db().event.createMany({
    data: events.map((e) => ({
      workspaceId,
      messageId: randomUUID(),
      type: "track",
      name: e.name,
      profileId: e.profileId,
      properties: (e.properties ?? {}) as Prisma.InputJsonObject,
      timestamp: e.at,
      receivedAt: e.at,
    })),
  });
}

export async function insertHoldout(workspaceId: string, broadcastId: string, profileIds: string[]) {
  await db().broadcastHoldout.createMany({
    data: profileIds.map((profileId) => ({ broadcastId, profileId, workspaceId, at: T0 })),
  });
}
