import { z } from "zod";
import { advanceEvents, inngest, isInngestConfigured } from "@/lib/jobs";
import { selectEnrollmentIdByEntryKey, selectJourneyStatus } from "./store/enrollments";
import { requirePermission, type WorkspaceContext } from "../auth/context";
import { withTransaction } from "../db/pool";
import { AppError, parseInput } from "../errors";
import { getProfile } from "../profiles/profiles";
import { enroll } from "./enroll";
import { loadVersion } from "./graphs";

/**
 * `POST /api/v1/journeys/<id>/enroll`: puts a known person into a live journey that starts with an API
 * trigger, under its re-entry rule. An idempotency key makes retries safe (same key, same enrollment).
 */
export const ZApiEnroll = z
  .object({
    userId: z.string().trim().min(1, "must not be empty").max(255).optional(),
    profileId: z.string().trim().min(1, "must not be empty").max(255).optional(),
    properties: z.record(z.string(), z.unknown()).default({}),
    idempotencyKey: z.string().trim().min(1, "must not be empty").max(255, "has at most 255 characters").optional(),
  })
  .strict()
  .refine((b) => (b.userId === undefined) !== (b.profileId === undefined), {
    message: "Send exactly one of userId or profileId",
    path: ["userId"],
  });

export interface ApiEnrollResult {
  enrolled: boolean;
  enrollmentId: string | null;
  /** why the person was not enrolled (the journey's re-entry rule, or an idempotency key already used) */
  reason: string | null;
}

export async function enrollThroughApi(
  ctx: WorkspaceContext,
  journeyId: string,
  body: unknown,
  now: Date = new Date(),
): Promise<ApiEnrollResult> {
  requirePermission(ctx, "content:write");
  if (!z.uuid().safeParse(journeyId).success) throw new AppError("not_found", "No such journey in this workspace.");
  const input = parseInput(ZApiEnroll, body);
  const profile = await getProfile(ctx, (input.userId ?? input.profileId)!);
  const entryKey = `api:${input.idempotencyKey ?? crypto.randomUUID()}`;

  const result = await withTransaction(async (client) => {
    const journey = await selectJourneyStatus(client, ctx.workspace.id, journeyId);
    if (!journey) throw new AppError("not_found", "No such journey in this workspace.");
    if (journey.status !== "LIVE" || !journey.liveVersionId)
      throw new AppError(
        "conflict",
        `Only a live journey accepts entries; this one is ${journey.status.toLowerCase()}.`,
      );
    const version = await loadVersion(client, journey.liveVersionId);
    if (version.trigger.type !== "trigger.api") {
      throw new AppError(
        "conflict",
        `This journey starts with a ${version.trigger.type.replace("trigger.", "")} trigger; only journeys that start with an API trigger accept entries through the API.`,
      );
    }
    const existing = await selectEnrollmentIdByEntryKey(client, journeyId, entryKey);
    if (existing)
      return {
        enrolled: false,
        enrollmentId: existing,
        reason: "This idempotency key was used already; this is the enrollment it made.",
      };
    const outcome = await enroll(
      client,
      [
        {
          workspaceId: ctx.workspace.id,
          journeyId,
          journeyVersionId: version.id,
          triggerNodeId: version.trigger.id,
          triggerNodeType: version.trigger.type,
          profileId: profile.id,
          entryKey,
          trigger: { name: "API enrollment", properties: input.properties, timestamp: now.toISOString() },
          reentry: version.graph.settings.reentry,
        },
      ],
      now,
    );
    if (outcome.enrolled[0]) return { enrolled: true, enrollmentId: outcome.enrolled[0], reason: null };
    return {
      enrolled: false,
      enrollmentId: null,
      reason: `Not enrolled: ${outcome.refused[0]?.reason ?? "already enrolled"}.`,
    };
  });
  if (result.enrolled && result.enrollmentId) await requestAdvance([result.enrollmentId]);
  return result;
}

/**
 * Asks Inngest to advance enrollments now. If it cannot be reached, nothing is lost: the enrollment's
 * lease lapses and wake-due sends the advance.
 */
export async function requestAdvance(enrollmentIds: string[]): Promise<void> {
  if (!enrollmentIds.length || !isInngestConfigured() || process.env.CAIRN_BACKGROUND_JOBS === "off") return;
  try {
    await inngest.send(advanceEvents(enrollmentIds.map((enrollmentId) => ({ enrollmentId }))));
  } catch (error) {
    console.warn("[cairn] could not send enrollment.advance; wake-due will retry:", (error as Error).message);
  }
}
