import { createHash } from "node:crypto";
import { pgPool } from "../db/pool";
import type { TJourneyGraphInput } from "../journeys/graph";

/**
 * Journeys with an A/B split, and assignments written straight into the engine's tables when a test needs
 * thousands of them (the engine's own path is tested with EngineDriver; this is for the statistics).
 */

const at = (x: number, y: number) => ({ x, y });

export interface SplitGraphOptions {
  eventName: string;
  arms?: { id: string; label: string; weight: number }[];
  holdout?: number;
  goal?: { eventName: string; attributionHours?: number; revenueProperty?: string };
  /** a goal step for this event after the arms' long wait: converts people whenever they do it while in the journey */
  goalStep?: string;
}

/** trigger → split → each arm: an email (template "tpl-<arm>") → a 10-day wait → end (or the goal step). */
export function splitGraph(options: SplitGraphOptions): TJourneyGraphInput {
  const arms = options.arms ?? [
    { id: "a", label: "Short subject", weight: options.holdout ? (100 - options.holdout) / 2 : 50 },
    { id: "b", label: "Long subject", weight: options.holdout ? (100 - options.holdout) / 2 : 50 },
  ];
  const nodes: TJourneyGraphInput["nodes"] = [
    { id: "trigger", type: "trigger.event", position: at(0, 0), config: { eventName: options.eventName, filters: [] } },
    {
      id: "ab",
      type: "split",
      position: at(0, 150),
      label: "Subject line test",
      config: { arms, ...(options.holdout ? { holdout: { weight: options.holdout } } : {}) },
    },
    { id: "wait", type: "delay.duration", position: at(0, 450), config: { duration: { amount: 10, unit: "days" } } },
    options.goalStep
      ? { id: "end", type: "goal", position: at(0, 600), config: { eventName: options.goalStep } }
      : { id: "end", type: "exit", position: at(0, 600), config: {} },
  ];
  const edges: TJourneyGraphInput["edges"] = [
    { id: "e-trigger", source: "trigger", target: "ab" },
    { id: "e-wait", source: "wait", target: "end" },
  ];
  arms.forEach((arm, i) => {
    nodes.push({
      id: `email_${arm.id}`,
      type: "action.email",
      position: at(i * 250, 300),
      config: { templateId: `tpl-${arm.id}` },
    });
    edges.push(
      { id: `e-${arm.id}`, source: "ab", target: `email_${arm.id}`, branch: arm.id },
      { id: `e-${arm.id}-wait`, source: `email_${arm.id}`, target: "wait" },
    );
  });
  return {
    nodes,
    edges,
    settings: {
      goal: options.goal ? { attributionHours: 72, ...options.goal } : undefined,
    } as TJourneyGraphInput["settings"],
  };
}

/** A UUID made from a string: the same people (and so the same buckets) on every run. */
export function stableUuid(seed: string): string {
  const h = createHash("sha256").update(seed).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface SeededAssignment {
  profileId: string;
  armId: string;
  assignedAt: Date;
  convertedAt?: Date;
}

/** Enrollments (ended), their split assignments and conversions, one statement per table. */
export async function seedAssignments(
  target: { workspaceId: string; journeyId: string; versionId: string; nodeId: string },
  rows: SeededAssignment[],
): Promise<Map<string, string>> {
  const { rows: enrollments } = await pgPool().query<{ id: string; profileId: string }>(
    `INSERT INTO "Enrollment" (id, "workspaceId", "journeyId", "journeyVersionId", "profileId", "entryKey", status, "currentNodeId", trigger, "enteredAt", "updatedAt", "endedAt")
     SELECT gen_random_uuid(), $1, $2, $3, p, 'seed:' || p::text, 'COMPLETED', $4, '{}'::jsonb, t, t, t FROM unnest($5::uuid[], $6::timestamptz[]) AS u(p, t)
     RETURNING id, "profileId"`,
    [
      target.workspaceId,
      target.journeyId,
      target.versionId,
      target.nodeId,
      rows.map((r) => r.profileId),
      rows.map((r) => r.assignedAt),
    ],
  );
  const byProfile = new Map(enrollments.map((e) => [e.profileId, e.id]));
  await pgPool().query(
    `INSERT INTO "SplitAssignment" ("enrollmentId", "nodeId", "journeyId", "profileId", "armId", "assignedAt")
     SELECT e, $1, $2, p, a, t FROM unnest($3::uuid[], $4::uuid[], $5::text[], $6::timestamptz[]) AS u(e, p, a, t)`,
    [
      target.nodeId,
      target.journeyId,
      rows.map((r) => byProfile.get(r.profileId)),
      rows.map((r) => r.profileId),
      rows.map((r) => r.armId),
      rows.map((r) => r.assignedAt),
    ],
  );
  const converted = rows.filter((r) => r.convertedAt);
  if (converted.length) {
    await pgPool().query(
      `INSERT INTO "Conversion" ("enrollmentId", "workspaceId", "journeyId", "profileId", "eventId", "eventName", "convertedAt")
       SELECT e, $1, $2, p, 0, 'purchase', t FROM unnest($3::uuid[], $4::uuid[], $5::timestamptz[]) AS u(e, p, t)`,
      [
        target.workspaceId,
        target.journeyId,
        converted.map((r) => byProfile.get(r.profileId)),
        converted.map((r) => r.profileId),
        converted.map((r) => r.convertedAt),
      ],
    );
  }
  return byProfile;
}
