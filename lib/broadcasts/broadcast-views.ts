import type { FieldIssue } from "../errors";
import type { BroadcastChannel, BroadcastStatus, BroadcastWebhook, WinnerMetric } from "./schemas";

/**
 * A broadcast as the API and the pages show it (answers of lib/broadcasts' domain functions). Dates are ISO
 * strings, so the types are what the browser receives.
 */

export type ScheduleKind = "now" | "at" | "local";

export interface BroadcastSummary {
  id: string;
  name: string;
  channel: BroadcastChannel;
  status: BroadcastStatus;
  scheduleKind: ScheduleKind;
  sendAt: string | null;
  localDate: string | null;
  localTime: string | null;
  timezone: string;
  /** people materialized so far (the whole audience once the sender is done), holdout not included */
  audienceCount: number;
  holdoutCount: number;
  variantCount: number;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  completedAt: string | null;
  cancelledAt: string | null;
  archivedAt: string | null;
  createdBy: string;
  updatedBy: string;
  sentBy: string | null;
  /** messages sent so far, and the share of them opened and clicked; absent for broadcasts not started */
  sent?: number;
  openRate?: number | null;
  clickRate?: number | null;
}

export interface BroadcastList {
  broadcasts: BroadcastSummary[];
  /** how many broadcasts (not archived) the workspace has in each status, for the list's tabs */
  counts: Record<BroadcastStatus, number>;
}

/** Messages of a broadcast by status: exact counts from its Message rows. */
export interface MessageCounts {
  queued: number;
  sent: number;
  delivered: number;
  suppressed: number;
  failed: number;
  bounced: number;
  cancelled: number;
  total: number;
}

export interface BroadcastVariantView {
  key: string;
  name: string;
  templateId: string;
  /** null when the template is gone or belongs elsewhere (a draft shows it as a problem) */
  templateName: string | null;
  weight: number;
}

export interface BroadcastProgress {
  variants: ({ variant: string } & MessageCounts)[];
  total: MessageCounts;
  /** people held out (they get nothing; the results compare them with the others) */
  holdout: number;
  /** people materialized so far */
  audience: number;
  audienceDone: boolean;
  /** when a throttled send should finish: the messages still queued ÷ the throttle, from now; null unthrottled */
  estimatedFinishAt: string | null;
}

export interface BroadcastDetail extends BroadcastSummary {
  /** a webhook broadcast's request (URL, method, headers); null for other channels */
  webhook: BroadcastWebhook | null;
  /** the subscription topic: who left it is not sent the broadcast (null: the channel's marketing consent alone) */
  topicId: string | null;
  topic: { id: string; key: string; name: string; archived: boolean } | null;
  segmentIds: string[];
  excludedSegmentIds: string[];
  segments: { id: string; name: string | null; archived: boolean }[];
  excludedSegments: { id: string; name: string | null; archived: boolean }[];
  variants: BroadcastVariantView[];
  holdoutPercent: number;
  testPercent: number | null;
  winnerAfterHours: number | null;
  winnerMetric: WinnerMetric | null;
  winnerVariant: string | null;
  winnerDecidedAt: string | null;
  phase: "test" | "rest" | null;
  throttlePerMinute: number | null;
  conversionEvent: string | null;
  conversionWindowHours: number;
  pausedAt: string | null;
  lastProgressAt: string | null;
  progress: BroadcastProgress;
}

/** One hour of a local-time send: when it starts in UTC and on the workspace's clock, and how many go out. */
export interface SendHour {
  /** the hour's start, an ISO instant */
  utc: string;
  /** the same instant on the workspace's clock, "YYYY-MM-DD HH:mm" */
  local: string;
  count: number;
}

/** Who a broadcast would reach if it went out now, step by step. */
export interface AudienceEstimate {
  channel: BroadcastChannel;
  /** members of any included segment */
  inSegments: number;
  /** of those, members of an excluded segment */
  excluded: number;
  /** no address for the channel (email, phone, push device; in-app needs none) */
  noContactPoint: number;
  suppressed: number;
  /** left the broadcast's subscription topic, or never joined an opt-in one */
  unsubscribedFromTopic: number;
  /** no consent for marketing on the channel (the workspace's opt-in rule, ChannelConsent) */
  noConsent: number;
  /** would be refused by the frequency cap right now */
  frequencyCapped: number;
  /** held out by holdoutPercent (an estimate: assignment is random) */
  holdout: number;
  willBeSent: number;
  /** the workspace's zone: `hours[].local` and unknown recipients' zone */
  timezone: string;
  /** a local-time schedule only: how many go out in each hour, earliest first */
  hours: SendHour[] | null;
  computedAt: string;
}

export interface BroadcastPreviewRecipient {
  profile: { id: string; label: string };
  fields: Record<string, string>;
  missingVariables: string[];
  /** Liquid errors, per field */
  errors: FieldIssue[];
  /** a webhook broadcast's request as it would be made for this person (null when the template does not render) */
  request?: { method: string; url: string; headers: Record<string, string>; body: string } | null;
}

export interface BroadcastPreview {
  variants: {
    key: string;
    templateId: string;
    templateName: string | null;
    recipients: BroadcastPreviewRecipient[];
  }[];
}

export interface BroadcastTestSend {
  variant: string;
  /** webhook: the one request made, `response` "HTTP <status>: <the start of the answer>" */
  sent: { to: string; response: string; outbox: boolean }[];
}

/** What sending or scheduling did, in the words the confirmation showed. */
export interface BroadcastSendResult {
  broadcast: BroadcastDetail;
  /** who will get it, counted as the confirmation counted; null for "send now" without a confirmed count (not counted) */
  audience: number | null;
  summary: string;
}

/** Pause, resume, cancel: the broadcast and its exact message counts afterwards. */
export interface BroadcastControlResult {
  broadcast: BroadcastDetail;
  counts: {
    sent: number;
    /** queued and not claimed by a sender */
    pending: number;
    cancelled: number;
    /** claimed by a sender when it was cancelled or paused: these finish */
    inFlight: number;
  };
}
