import { Inngest } from "inngest";
import type { WebhookCallTarget } from "@/lib/engine/webhook";

/**
 * Cairn's Inngest client. Configuration comes from the environment, as the SDK reads it:
 * INNGEST_EVENT_KEY / INNGEST_SIGNING_KEY for Inngest Cloud, INNGEST_BASE_URL (or INNGEST_DEV) for a
 * self-hosted server or the embedded executor. See README, "Durable execution".
 */
export const inngest = new Inngest({ id: "cairn" });

/** Names and payloads of the events Cairn sends, one place for every producer and consumer. */
export const EVENT_INGESTED = "cairn/event.ingested";
export interface EventIngestedData {
  workspaceId: string;
  /** ids of the stored events (Event.id, as strings: they are bigints) */
  eventIds: string[];
}

export function isInngestConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return !!(env.INNGEST_EVENT_KEY || env.INNGEST_BASE_URL || env.INNGEST_EVENT_API_BASE_URL || env.INNGEST_DEV);
}

/** Walk an enrollment forward (sent when someone enters, a wait ends, or an awaited event arrives). */
export const ENROLLMENT_ADVANCE = "cairn/enrollment.advance";
export interface EnrollmentAdvanceData {
  enrollmentId: string;
  /** set when the walk stopped at a webhook: the run starts with that call instead of walking again */
  webhook?: WebhookCallTarget;
}

/** A journey queued a message; the messaging issue's deliver-message function sends it. */
export const MESSAGE_QUEUED = "cairn/message.queued";
export interface MessageQueuedData {
  messageId: string;
}

/** The events that ask for enrollments to be advanced. No id: an advance is idempotent, and a later one must not be dropped as a duplicate. */
export function advanceEvents(advances: EnrollmentAdvanceData[]) {
  return advances.map((data) => ({ name: ENROLLMENT_ADVANCE, data }));
}

/** One event per queued message, with the message id in the event id so a repeat is dropped. */
export function messageQueuedEvents(messageIds: string[]) {
  return messageIds.map((messageId) => ({
    id: `message-queued-${messageId}`,
    name: MESSAGE_QUEUED,
    data: { messageId } satisfies MessageQueuedData,
  }));
}

/**
 * Segment entries and exits were recorded (lib/segments/membership.ts): the changes of `workspaceId` with ids
 * from `fromId` to `toId` (SegmentMembershipChange.id). The engine enrolls the entries into journeys that
 * start on them; the change id is the entry key, so a range announced twice enrolls nobody twice.
 */
export const SEGMENT_CHANGED = "cairn/segment.changed";
export interface SegmentChangedData {
  workspaceId: string;
  fromId: string;
  toId: string;
}

/** One event per workspace range, its id naming the range (a repeat is dropped). */
export function segmentChangedEvents(ranges: SegmentChangedData[]) {
  return ranges.map((data) => ({
    id: `segment-changes-${data.workspaceId}-${data.fromId}-${data.toId}`,
    name: SEGMENT_CHANGED,
    data: { workspaceId: data.workspaceId, fromId: data.fromId, toId: data.toId } satisfies SegmentChangedData,
  }));
}

/** Recompute a segment for everyone (after its definition changed, or asked for). */
export const SEGMENT_RECOMPUTE = "cairn/segment.recompute";
export interface SegmentRecomputeData {
  segmentId: string;
}
