import { randomBytes, randomUUID } from "node:crypto";
import { db } from "../../db/client";

/**
 * Test fixtures for the audience: a workspace, profiles in zones, segment memberships and broadcast rows written
 * directly (the broadcast lifecycle in lib/broadcasts creates them in the app). Tests only.
 */

export const FIXTURE_TIME = new Date("2026-03-20T10:00:00.000Z");

export async function createAudienceWorkspace(timezone = "Europe/Berlin"): Promise<string> {
  const workspace = await db().workspace.create({
    data: { name: "Audience tests", slug: `audience-${randomBytes(5).toString("hex")}`, timezone },
    select: { id: true },
  });
  return workspace.id;
}

export interface ProfileSpec {
  timezone?: string | null;
  /** segment ids the person is a member of */
  segments?: string[];
  /** merged into another profile: not a live person */
  mergedIntoId?: string;
}

/** Profiles with the given zones and memberships; returns their ids in the order given. */
export async function createProfiles(workspaceId: string, specs: ProfileSpec[]): Promise<string[]> {
  const ids = specs.map(() => randomUUID());
  await db().profile.createMany({
    data: specs.map((spec, i) => ({
      id: ids[i],
      workspaceId,
      timezone: spec.timezone ?? null,
      mergedIntoId: spec.mergedIntoId ?? null,
      firstSeenAt: FIXTURE_TIME,
      lastSeenAt: FIXTURE_TIME,
    })),
  });
  await db().segmentMembership.createMany({
    data: specs.flatMap((spec, i) =>
      (spec.segments ?? []).map((segmentId) => ({
        segmentId,
        profileId: ids[i],
        workspaceId,
        enteredAt: FIXTURE_TIME,
      })),
    ),
  });
  return ids;
}

export interface BroadcastRow {
  workspaceId: string;
  segmentIds: string[];
  excludedSegmentIds?: string[];
  variants?: { key: string; name?: string; templateId: string; weight: number }[];
  status?: "DRAFT" | "SCHEDULED" | "SENDING" | "PAUSED" | "SENT" | "CANCELLED";
  channel?: string;
  holdoutPercent?: number;
  testPercent?: number | null;
  phase?: string | null;
  scheduleKind?: "now" | "at" | "local";
  localDate?: string;
  localTime?: string;
  timezone?: string;
  name?: string;
}

export async function createBroadcastRow(row: BroadcastRow): Promise<string> {
  const broadcast = await db().broadcast.create({
    data: {
      workspaceId: row.workspaceId,
      name: row.name ?? "Spring sale",
      channel: row.channel ?? "email",
      status: row.status ?? "SENDING",
      segmentIds: row.segmentIds,
      excludedSegmentIds: row.excludedSegmentIds ?? [],
      variants: row.variants ?? [{ key: "A", name: "", templateId: randomUUID(), weight: 100 }],
      holdoutPercent: row.holdoutPercent ?? 0,
      testPercent: row.testPercent ?? null,
      winnerAfterHours: row.testPercent != null ? 4 : null,
      winnerMetric: row.testPercent != null ? "click" : null,
      phase: row.phase ?? null,
      scheduleKind: row.scheduleKind ?? "now",
      localDate: row.localDate ?? null,
      localTime: row.localTime ?? null,
      timezone: row.timezone ?? "UTC",
      createdByLabel: "audience tests",
      updatedByLabel: "audience tests",
      startedAt: FIXTURE_TIME,
    },
    select: { id: true },
  });
  return broadcast.id;
}
