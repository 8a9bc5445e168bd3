import { z } from "zod";
import type { WebhookCallTarget } from "../engine/webhook";

/**
 * Every Inngest event Cairn sends: its name and a zod schema for its payload, one place for every producer (lib/,
 * which sends them) and consumer (inngest/functions, which parse `event.data` with these schemas through
 * parseJob). The payload types are inferred from the schemas, so a producer cannot send what a consumer would
 * refuse. Adding an event: its name and schema here, a builder in events.ts if producers need one.
 */

/** Events were stored by an ingest request (lib/ingest/dispatch.ts); process-event runs the engine on them. */
export const EVENT_INGESTED = "cairn/event.ingested";
export const EventIngestedData = z.object({
  workspaceId: z.string(),
  /** ids of the stored events (Event.id, as strings: they are bigints) */
  eventIds: z.array(z.string()),
});
export type EventIngestedData = z.infer<typeof EventIngestedData>;

/** Where a walk stopped at a webhook (lib/engine/webhook.ts), for advance-enrollment to make the call. */
const WebhookCallTargetData: z.ZodType<WebhookCallTarget> = z.object({
  workspaceId: z.string(),
  enrollmentId: z.string(),
  nodeId: z.string(),
  visit: z.number(),
  request: z.object({
    url: z.string(),
    method: z.string(),
    headers: z.record(z.string(), z.string()),
    body: z.string().optional(),
    renderError: z.string().optional(),
  }),
});

/** Walk an enrollment forward (sent when someone enters, a wait ends, or an awaited event arrives). */
export const ENROLLMENT_ADVANCE = "cairn/enrollment.advance";
export const EnrollmentAdvanceData = z.object({
  enrollmentId: z.string(),
  /** set when the walk stopped at a webhook: the run starts with that call instead of walking again */
  webhook: WebhookCallTargetData.optional(),
});
export type EnrollmentAdvanceData = z.infer<typeof EnrollmentAdvanceData>;

/** A journey queued a message; deliver-message sends it. */
export const MESSAGE_QUEUED = "cairn/message.queued";
export const MessageQueuedData = z.object({ messageId: z.string() });
export type MessageQueuedData = z.infer<typeof MessageQueuedData>;

/**
 * Segment entries and exits were recorded (lib/segments/membership.ts): the changes of `workspaceId` with ids
 * from `fromId` to `toId` (SegmentMembershipChange.id). The engine enrolls the entries into journeys that
 * start on them; the change id is the entry key, so a range announced twice enrolls nobody twice.
 */
export const SEGMENT_CHANGED = "cairn/segment.changed";
export const SegmentChangedData = z.object({ workspaceId: z.string(), fromId: z.string(), toId: z.string() });
export type SegmentChangedData = z.infer<typeof SegmentChangedData>;

/** Train a prediction (#21) now, then score its audience (lib/predictions/request-training.ts sends it). */
export const PREDICTION_TRAIN_REQUESTED = "cairn/prediction.train-requested";
export const PredictionTrainRequestedData = z.object({ workspaceId: z.string(), predictionId: z.string() });
export type PredictionTrainRequestedData = z.infer<typeof PredictionTrainRequestedData>;

/** Recompute a segment for everyone (after its definition changed, or asked for). */
export const SEGMENT_RECOMPUTE = "cairn/segment.recompute";
export const SegmentRecomputeData = z.object({ segmentId: z.string() });
export type SegmentRecomputeData = z.infer<typeof SegmentRecomputeData>;

/**
 * Work on a broadcast (lib/broadcasts): the send-broadcast function materializes the next chunk of its audience
 * and sends the next batch of its due messages, then asks for the next run with this event again. Sent by
 * "send now", by resume, and by the broadcast sweep (a scheduled broadcast whose time came, a sending one whose
 * runs went quiet). `run` distinguishes the links of one chain (the event id is `broadcast-<id>-<run>`), so a
 * repeated link is dropped while the next one is not.
 */
export const BROADCAST_SEND = "cairn/broadcast.send";
export const BroadcastSendData = z.object({ broadcastId: z.string(), run: z.string() });
export type BroadcastSendData = z.infer<typeof BroadcastSendData>;
