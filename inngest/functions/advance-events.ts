import { ENROLLMENT_ADVANCE, MESSAGE_QUEUED } from "../client";

/** The events that ask for enrollments to be advanced. No id: an advance is idempotent, and a later one must not be dropped as a duplicate. */
export function advanceEvents(enrollmentIds: string[]) {
  return enrollmentIds.map((enrollmentId) => ({ name: ENROLLMENT_ADVANCE, data: { enrollmentId } }));
}

/** One event per queued message, with the message id as the event id so a repeat is dropped. */
export function messageQueuedEvents(messageIds: string[]) {
  return messageIds.map((messageId) => ({ id: `message-queued-${messageId}`, name: MESSAGE_QUEUED, data: { messageId } }));
}
