import { ZDashboardQuery } from "../analytics/dashboards";
import { translationsApi } from "../content/locales/translation-operations";
import { ZApiEnroll } from "../engine/api-enroll";
import { ZExperimentSettings } from "../experiments/experiment-settings";
import { ZAlias, ZBatchEnvelope, ZGroup, ZIdentify, ZPage, ZScreen, ZTrack } from "../ingest/schemas";
import { ZCreateJourney, ZRenameJourney, ZSaveDraft } from "../journeys/schemas";
import { ZInboxAction, ZInboxQuery } from "../messaging/inbox";
import { ZDeliveryEvents } from "../messaging/provider-events";
import { ZCreateTemplate, ZRenameTemplate, ZSaveTemplate } from "../messaging/templates/schemas";
import { ZEventPage } from "../profiles/profiles";
import { predictionsApi } from "../predictions/http-operations";
import { ZCreateSegment, ZEstimateSegment, ZMembersQuery, ZUpdateSegment } from "../segments/segment-schemas";
import { type ApiOperation, keyOperation, otherOperation } from "./operation";
import { aiApi } from "./operations-ai";
import { broadcastResultsApi } from "./operations-broadcast-results";
import { broadcastsApi } from "./operations-broadcasts";
import { catalogsApi } from "./operations-catalogs";
import { topicsApi } from "./operations-topics";
import { transactionalApi } from "./operations-transactional";
import {
  ZJourneyListQuery,
  ZMemberUploadQuery,
  ZSegmentListQuery,
  ZSegmentQuery,
  ZTemplateListQuery,
  ZTwilioStatusQuery,
} from "./queries";

/**
 * Every operation of the public API, grouped as the reference page shows them. A route under app/api/v1 that runs
 * through `withWorkspace` passes its operation from here (permission, who may call, query and body schemas); the
 * others (ingestion, token links, provider webhooks) are described here and enforce their own rules.
 * `auth: "either"` marks the operations also served, for members' sessions, at /api/workspaces/<slug>/<same path>.
 */

export const workspaceApi = {
  get: keyOperation({
    method: "GET",
    path: "/workspace",
    tag: "Workspace",
    permission: "workspace:read",
    summary: "Which workspace a key belongs to and what it may do",
    description: "A quick check that an integration is wired right: the workspace, the key and its permissions.",
  }),
  overview: keyOperation({
    method: "GET",
    path: "/dashboards/overview",
    tag: "Workspace",
    permission: "workspace:read",
    auth: "either",
    query: ZDashboardQuery,
    summary: "The workspace overview for a range of UTC days",
    description: "`from` and `to` are YYYY-MM-DD (default: the last 30 days, at most 366).",
  }),
};

export const journeysApi = {
  list: keyOperation({
    method: "GET",
    path: "/journeys",
    tag: "Journeys",
    permission: "workspace:read",
    auth: "either",
    query: ZJourneyListQuery,
    summary: "List journeys",
    description: "Newest change first; archived journeys only with `status=ARCHIVED`.",
  }),
  create: keyOperation({
    method: "POST",
    path: "/journeys",
    tag: "Journeys",
    permission: "content:write",
    auth: "either",
    body: ZCreateJourney,
    status: 201,
    summary: "Create (import) a journey",
    description: "`graph` is a journey graph as /api/v1/schema/journey describes it; without it, an empty draft.",
  }),
  get: keyOperation({
    method: "GET",
    path: "/journeys/{id}",
    tag: "Journeys",
    permission: "workspace:read",
    auth: "either",
    summary: "A journey with its draft, the problems that block publishing, and its versions",
  }),
  rename: keyOperation({
    method: "PATCH",
    path: "/journeys/{id}",
    tag: "Journeys",
    permission: "content:write",
    auth: "either",
    body: ZRenameJourney,
    summary: "Rename a journey",
  }),
  saveDraft: keyOperation({
    method: "PUT",
    path: "/journeys/{id}/draft",
    tag: "Journeys",
    permission: "content:write",
    auth: "either",
    body: ZSaveDraft,
    summary: "Save a journey's draft",
  }),
  previewPublish: keyOperation({
    method: "GET",
    path: "/journeys/{id}/publish",
    tag: "Journeys",
    permission: "workspace:read",
    auth: "either",
    summary: "What publishing would change and what blocks it",
  }),
  publish: keyOperation({
    method: "POST",
    path: "/journeys/{id}/publish",
    tag: "Journeys",
    permission: "content:write",
    auth: "either",
    summary: "Publish the draft as the next live version",
  }),
  pause: keyOperation({
    method: "POST",
    path: "/journeys/{id}/pause",
    tag: "Journeys",
    permission: "content:write",
    auth: "either",
    summary: "Pause a live journey",
  }),
  resume: keyOperation({
    method: "POST",
    path: "/journeys/{id}/resume",
    tag: "Journeys",
    permission: "content:write",
    auth: "either",
    summary: "Resume a paused journey",
  }),
  stats: keyOperation({
    method: "GET",
    path: "/journeys/{id}/stats",
    tag: "Journeys",
    permission: "workspace:read",
    auth: "either",
    summary: "Live counts: totals by status and, per node, entered, there now and moved on",
  }),
  analytics: keyOperation({
    method: "GET",
    path: "/journeys/{id}/analytics",
    tag: "Journeys",
    permission: "workspace:read",
    auth: "either",
    query: ZDashboardQuery,
    summary: "A journey's funnel, series and delivery rates for a range of UTC days",
    description: "`from` and `to` are YYYY-MM-DD (default: the last 30 days, at most 366).",
  }),
  enroll: keyOperation({
    method: "POST",
    path: "/journeys/{id}/enroll",
    tag: "Journeys",
    permission: "content:write",
    requestBody: {
      contentType: "application/json",
      description: "The person to enroll (created if new) and the trigger's properties.",
      schema: ZApiEnroll,
    },
    summary: "Enroll a person in an API-triggered journey",
    description: "201 when enrolled, 200 when the person was not (the answer says why).",
  }),
};

export const experimentsApi = {
  list: keyOperation({
    method: "GET",
    path: "/journeys/{id}/experiments",
    tag: "Experiments",
    permission: "workspace:read",
    auth: "either",
    summary: "A journey's A/B splits with their latest results",
  }),
  get: keyOperation({
    method: "GET",
    path: "/journeys/{id}/experiments/{nodeId}",
    tag: "Experiments",
    permission: "workspace:read",
    auth: "either",
    summary: "One split's stored results, cumulative lift over time and weight history",
  }),
  updateSettings: keyOperation({
    method: "PUT",
    path: "/journeys/{id}/experiments/{nodeId}",
    tag: "Experiments",
    permission: "content:write",
    auth: "either",
    body: ZExperimentSettings,
    summary: "Set a split's auto-winner and analysis settings",
  }),
  evaluate: keyOperation({
    method: "POST",
    path: "/journeys/{id}/experiments/{nodeId}/evaluate",
    tag: "Experiments",
    permission: "content:write",
    auth: "either",
    summary: "Evaluate a split now, as the 15-minute cron does",
  }),
};

export const segmentsApi = {
  list: keyOperation({
    method: "GET",
    path: "/segments",
    tag: "Segments",
    permission: "workspace:read",
    auth: "either",
    query: ZSegmentListQuery,
    summary: "List segments, or the segments one person is in",
    description: "Answers `{ segments }`; with `profileId`, `{ memberships }` instead.",
  }),
  create: keyOperation({
    method: "POST",
    path: "/segments",
    tag: "Segments",
    permission: "content:write",
    auth: "either",
    body: ZCreateSegment,
    status: 201,
    summary: "Create a segment",
  }),
  estimate: keyOperation({
    method: "POST",
    path: "/segments/estimate",
    tag: "Segments",
    permission: "workspace:read",
    auth: "either",
    body: ZEstimateSegment,
    summary: "The size of an unsaved definition and 10 matching people",
  }),
  get: keyOperation({
    method: "GET",
    path: "/segments/{id}",
    tag: "Segments",
    permission: "workspace:read",
    auth: "either",
    query: ZSegmentQuery,
    summary: "A segment with its definition and its size per day over `days` (1–365, default 30)",
  }),
  update: keyOperation({
    method: "PUT",
    path: "/segments/{id}",
    tag: "Segments",
    permission: "content:write",
    auth: "either",
    body: ZUpdateSegment,
    summary: "Update a segment's name, description or definition",
  }),
  patch: keyOperation({
    method: "PATCH",
    path: "/segments/{id}",
    tag: "Segments",
    permission: "content:write",
    auth: "either",
    body: ZUpdateSegment,
    summary: "Update a segment's name, description or definition (the same as PUT)",
  }),
  archive: keyOperation({
    method: "POST",
    path: "/segments/{id}/archive",
    tag: "Segments",
    permission: "content:write",
    auth: "either",
    summary: "Archive a segment (409 while another segment or a live journey uses it)",
  }),
  recompute: keyOperation({
    method: "POST",
    path: "/segments/{id}/recompute",
    tag: "Segments",
    permission: "content:write",
    auth: "either",
    status: 202,
    summary: "Recompute a segment for everyone in the background",
    description: "202 with the segment; its `recompute` shows the progress.",
  }),
  members: keyOperation({
    method: "GET",
    path: "/segments/{id}/members",
    tag: "Segments",
    permission: "workspace:read",
    auth: "either",
    query: ZMembersQuery,
    summary: "A segment's members, newest entries first",
  }),
  uploadMembers: keyOperation({
    method: "POST",
    path: "/segments/{id}/members",
    tag: "Segments",
    permission: "content:write",
    auth: "either",
    query: ZMemberUploadQuery,
    requestBody: {
      contentType: "text/csv",
      description:
        "A manual segment's members: the CSV of user ids itself (first column, a header row is skipped) with " +
        '`?mode=replace|append`, or JSON `{ "mode": "replace" | "append", "csv": "…" }` or `{ "mode", "userIds": [...] }`.',
    },
    summary: "Replace or append a manual segment's members",
  }),
};

export const templatesApi = {
  list: keyOperation({
    method: "GET",
    path: "/templates",
    tag: "Templates",
    permission: "workspace:read",
    auth: "either",
    query: ZTemplateListQuery,
    summary: "List templates",
  }),
  create: keyOperation({
    method: "POST",
    path: "/templates",
    tag: "Templates",
    permission: "content:write",
    auth: "either",
    body: ZCreateTemplate,
    status: 201,
    summary: "Create a template (with `content`, its version 1)",
  }),
  get: keyOperation({
    method: "GET",
    path: "/templates/{id}",
    tag: "Templates",
    permission: "workspace:read",
    auth: "either",
    summary: "A template with its newest content and its versions",
  }),
  save: keyOperation({
    method: "PUT",
    path: "/templates/{id}",
    tag: "Templates",
    permission: "content:write",
    auth: "either",
    body: ZSaveTemplate,
    summary: "Save a template's content as its next version",
  }),
  rename: keyOperation({
    method: "PATCH",
    path: "/templates/{id}",
    tag: "Templates",
    permission: "content:write",
    auth: "either",
    body: ZRenameTemplate,
    summary: "Rename a template",
  }),
};

export const profilesApi = {
  get: keyOperation({
    method: "GET",
    path: "/profiles/{id}",
    tag: "Profiles",
    permission: "workspace:read",
    summary: "A profile by userId, anonymousId or Cairn's profile id",
  }),
  events: keyOperation({
    method: "GET",
    path: "/profiles/{id}/events",
    tag: "Profiles",
    permission: "workspace:read",
    query: ZEventPage,
    summary: "A profile's events, newest first",
    description: "Page with `before` = the previous page's `nextBefore`.",
  }),
};

export const messagesApi = {
  deliveryEvents: keyOperation({
    method: "POST",
    path: "/messages/events",
    tag: "Messages",
    permission: "content:write",
    requestBody: {
      contentType: "application/json",
      description: "Delivery reports from an email provider's webhook.",
      schema: ZDeliveryEvents,
    },
    summary: "Record delivery reports (delivered, bounced, complained…)",
  }),
  inbox: keyOperation({
    method: "GET",
    path: "/inbox/{userId}",
    tag: "Messages",
    permission: "ingest",
    query: ZInboxQuery,
    summary: "A person's in-app inbox",
    description: "Called from the person's browser with the write key and the `X-Cairn-User-Hash` header.",
  }),
  inboxAction: keyOperation({
    method: "POST",
    path: "/inbox/{userId}/{messageId}",
    tag: "Messages",
    permission: "ingest",
    requestBody: { contentType: "application/json", description: "What the person did.", schema: ZInboxAction },
    summary: "Mark an inbox message read or dismissed",
    description: "With the write key and the `X-Cairn-User-Hash` header.",
  }),
  unsubscribe: otherOperation({
    method: "POST",
    path: "/unsubscribe/{token}",
    tag: "Messages",
    access: "The unsubscribe token of the message's link is the credential.",
    requestBody: {
      contentType: "application/x-www-form-urlencoded",
      description:
        "`List-Unsubscribe=One-Click` (RFC 8058, answered 200) or `from=page` (the confirmation page, 303). A message of a subscription topic leaves that topic only; `scope=channel` leaves the channel's marketing instead.",
    },
    summary: "Unsubscribe from a message's link",
  }),
  preferences: otherOperation({
    method: "POST",
    path: "/preferences/{token}",
    tag: "Messages",
    access: "The preference token of the message's link is the credential.",
    status: 303,
    requestBody: {
      contentType: "application/x-www-form-urlencoded",
      description:
        "One checkbox per channel, and per topic (`topic:<key>`, with `shown-topic=<key>` for each topic the page listed): checked keeps (or opts in to) it, unchecked unsubscribes; only the boxes that changed are recorded.",
    },
    summary: "Save a person's channel and topic preferences (the preference page's form)",
  }),
  twilioStatus: otherOperation({
    method: "POST",
    path: "/providers/twilio/status",
    tag: "Messages",
    access: "Signed by Twilio (X-Twilio-Signature) with the account's auth token.",
    query: ZTwilioStatusQuery,
    requestBody: { contentType: "application/x-www-form-urlencoded", description: "Twilio's StatusCallback." },
    summary: "Twilio's SMS status callback",
  }),
};

const ingestDescription =
  "Segment-compatible (https://segment.com/docs/connections/sources/catalog/libraries/server/http-api/): " +
  "the write key as the HTTP Basic username or a Bearer token. Answers 200 `{ success: true }`, 400 naming the fields.";
const browserDescription =
  "What Segment's browser library posts (text/plain, the write key in the payload or the header); CORS follows " +
  "the key's allowed origins.";

function ingestOperation(path: string, summary: string, schema: import("zod").ZodType) {
  return otherOperation({
    method: "POST",
    path,
    tag: "Ingestion",
    security: "write-key",
    access: "A write or full API key.",
    requestBody: { contentType: "application/json", description: "One message.", schema },
    summary,
    description: ingestDescription,
  });
}

function browserOperations(path: string, summary: string, schema: import("zod").ZodType) {
  return [
    otherOperation({
      method: "POST",
      path,
      tag: "Browser ingestion",
      security: "write-key",
      access: "The write key in the payload (`writeKey`) or the header.",
      requestBody: { contentType: "text/plain", description: "One message as JSON text.", schema },
      summary,
      description: browserDescription,
    }),
    otherOperation({
      method: "OPTIONS",
      path,
      tag: "Browser ingestion",
      access: "Anyone (the CORS preflight).",
      summary: `CORS preflight of ${path}`,
    }),
  ];
}

export const ingestionApi = [
  ingestOperation("/track", "Record an event", ZTrack),
  ingestOperation("/identify", "Identify a person and set traits", ZIdentify),
  ingestOperation("/page", "Record a page view", ZPage),
  ingestOperation("/screen", "Record a screen view", ZScreen),
  ingestOperation("/alias", "Merge two identities", ZAlias),
  otherOperation({
    method: "POST",
    path: "/batch",
    tag: "Ingestion",
    security: "write-key",
    access: "A write or full API key.",
    requestBody: {
      contentType: "application/json",
      description: "Up to 500 KB of messages in `batch`.",
      schema: ZBatchEnvelope,
    },
    summary: "Record a batch of messages",
    description: ingestDescription,
  }),
  ...browserOperations("/t", "Record an event (browser)", ZTrack),
  ...browserOperations("/i", "Identify a person (browser)", ZIdentify),
  ...browserOperations("/p", "Record a page view (browser)", ZPage),
  ...browserOperations("/s", "Record a screen view (browser)", ZScreen),
  ...browserOperations("/g", "Associate a person with a group (browser)", ZGroup),
  ...browserOperations("/a", "Merge two identities (browser)", ZAlias),
  ...browserOperations("/b", "Record a batch of messages (browser)", ZBatchEnvelope),
  otherOperation({
    method: "GET",
    path: "/projects/{writeKey}/settings",
    tag: "Browser ingestion",
    security: "write-key",
    access: "The write key in the path.",
    summary: "The settings document Segment's browser library loads (cdnURL: Cairn's /api)",
  }),
  otherOperation({
    method: "POST",
    path: "/webhooks/{sourceId}",
    tag: "Ingestion",
    access: "The unguessable source id and, if the source has a secret, its signature.",
    requestBody: { contentType: "application/json", description: "Whatever the sending system posts." },
    summary: "A generic webhook source's endpoint",
  }),
];

export const documentsApi = {
  journeySchema: otherOperation({
    method: "GET",
    path: "/schema/journey",
    tag: "Documents",
    access: "Anyone: it describes a format, not anyone's data.",
    summary: "The journey graph's JSON Schema",
  }),
  openapi: otherOperation({
    method: "GET",
    path: "/openapi.json",
    tag: "Documents",
    access: "Anyone: it describes the API, not anyone's data.",
    summary: "This document",
  }),
};

export const API_OPERATIONS: ApiOperation[] = [
  ...Object.values(workspaceApi),
  ...Object.values(journeysApi),
  ...Object.values(experimentsApi),
  ...Object.values(segmentsApi),
  ...Object.values(templatesApi),
  ...Object.values(translationsApi),
  ...Object.values(profilesApi),
  ...Object.values(messagesApi),
  ...Object.values(broadcastsApi),
  ...Object.values(broadcastResultsApi),
  ...Object.values(transactionalApi),
  ...Object.values(topicsApi),
  ...Object.values(catalogsApi),
  ...Object.values(predictionsApi),
  ...Object.values(aiApi),
  ...ingestionApi,
  ...Object.values(documentsApi),
];
