/** The stages a message is counted at in AnalyticsMessageDay (one column each), in funnel order. */
export const MESSAGE_STAGES = [
  "queued",
  "sent",
  "delivered",
  "opened",
  "clicked",
  "bounced",
  "failed",
  "suppressed",
  "unsubscribed",
  "complained",
] as const;
export type MessageStage = (typeof MESSAGE_STAGES)[number];
export type MessageStageCounts = Record<MessageStage, number>;
