import {
  BROADCAST_SEND,
  type BroadcastSendData,
  ENROLLMENT_ADVANCE,
  MESSAGE_QUEUED,
  SEGMENT_CHANGED,
  type EnrollmentAdvanceData,
  type MessageQueuedData,
  type SegmentChangedData,
} from "./contracts";

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

/** One event per workspace range, its id naming the range (a repeat is dropped). */
export function segmentChangedEvents(ranges: SegmentChangedData[]) {
  return ranges.map((data) => ({
    id: `segment-changes-${data.workspaceId}-${data.fromId}-${data.toId}`,
    name: SEGMENT_CHANGED,
    data: { workspaceId: data.workspaceId, fromId: data.fromId, toId: data.toId } satisfies SegmentChangedData,
  }));
}

/** The next link of a broadcast's send chain (BROADCAST_SEND); the id makes a repeated link a no-op. */
export function broadcastSendEvent(broadcastId: string, run: string) {
  return {
    id: `broadcast-${broadcastId}-${run}`,
    name: BROADCAST_SEND,
    data: { broadcastId, run } satisfies BroadcastSendData,
  };
}
