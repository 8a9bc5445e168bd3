import { z } from "zod";
import { requirePermission, type WorkspaceContext } from "../auth/context";
import { pgPool } from "../db/pool";
import { type RecentBroadcast, recentBroadcasts } from "../broadcasts/results/recent-broadcasts";
import { AppError, parseInput } from "../errors";
import { graphOrder } from "./graph-order";
import { MESSAGE_STAGES, type MessageStage, type MessageStageCounts } from "./message-stages";
import {
  countActiveEnrollmentsInJourney,
  countActiveEnrollmentsInWorkspace,
  type JourneyMessageDay,
  selectEdgeTotals,
  selectEventsPerDay,
  selectJourneyDays,
  selectJourneyMessageStagesPerDay,
  selectJourneyWithShownGraph,
  selectLastRollupRunAt,
  selectNodeTotals,
  selectTopJourneys,
  selectWorkspaceJourneyTotalsPerDay,
  selectWorkspaceMessageStagesPerDay,
} from "./store/dashboards";
import { addDays, isoDay, startOfUtcDay } from "./utc-days";

/**
 * What the dashboards show, for a range of UTC days. Reads only the rollup tables (lib/analytics/rollups.ts)
 * and EventVolume (the event catalog's daily counts), never raw events or messages, so an answer costs the
 * number of days × journeys/nodes/channels in the range, not the number of people. The one live figure,
 * "in a journey now", is an index count on Enrollment(journeyId, status, …).
 *
 * Rollups are at most one cron tick behind (a minute on Inngest, 30 s on the embedded executor); `updatedAt`
 * says when they last ran.
 */

export const MAX_RANGE_DAYS = 366;
export const DEFAULT_RANGE_DAYS = 30;

const ZDay = z.preprocess(
  (v) => (v === "" ? undefined : v),
  z.iso.date({ error: "must be a date as YYYY-MM-DD" }).optional(),
);

/** The query string of every dashboard endpoint: from/to as UTC days, inclusive; default the last 30 days. */
export const ZDashboardQuery = z.object({ from: ZDay, to: ZDay });

export interface DashboardRange {
  /** first day, inclusive (YYYY-MM-DD, UTC) */
  from: string;
  /** last day, inclusive */
  to: string;
  days: number;
}

const DAY_MS = 86_400_000;
const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / DAY_MS;

/** Validates the query (422 naming `from` or `to`) and fills in the defaults: to = today, from = 29 days before `to`. */
export function parseDashboardQuery(input: unknown, now: Date = new Date()): DashboardRange {
  const query = parseInput(ZDashboardQuery, input ?? {});
  const to = query.to ?? isoDay(startOfUtcDay(now));
  const from = query.from ?? isoDay(addDays(new Date(`${to}T00:00:00Z`), -(DEFAULT_RANGE_DAYS - 1)));
  const days = dayNumber(to) - dayNumber(from) + 1;
  if (days < 1) throw AppError.field("from", `must be on or before "to" (${to})`);
  if (days > MAX_RANGE_DAYS)
    throw AppError.field("to", `the range covers ${days} days; at most ${MAX_RANGE_DAYS} are allowed`);
  return { from, to, days };
}

/** Every day of the range, in order. */
export function daysOf(range: DashboardRange): string[] {
  const start = new Date(`${range.from}T00:00:00Z`);
  return Array.from({ length: range.days }, (_, i) => isoDay(addDays(start, i)));
}

export interface ChannelRates {
  /** delivered / sent */
  deliveryRate: number | null;
  /** opened / delivered; null for SMS, which has no opens */
  openRate: number | null;
  /** clicked / delivered */
  clickRate: number | null;
  /** bounced / sent */
  bounceRate: number | null;
}

export type ChannelStats = { channel: string } & MessageStageCounts & ChannelRates;

/**
 * Revenue figures. Money is summed as Decimal(18, 4) in Postgres (Conversion.revenue, the rollups) and
 * reaches the API as a JSON number rounded to 4 decimals; there is no currency conversion (Cairn stores the
 * value the event sent). An order is a conversion of a journey with a goal revenue property (a
 * non-numeric value is an order of 0).
 */
export interface RevenueFigures {
  revenue: number;
  orders: number;
  /** revenue / orders */
  averageOrderValue: number | null;
  /** revenue / people who entered in the range */
  revenuePerEntered: number | null;
}

/** One message step of a journey, with the conversions attributed to it (last message sent before converting). */
export interface MessagePerformance {
  nodeId: string;
  label: string | null;
  channel: string;
  sent: number;
  clicked: number;
  conversions: number;
  orders: number;
  revenue: number;
  /** revenue / sent */
  revenuePerRecipient: number | null;
  /** false for a step only older versions had */
  inGraph: boolean;
}

/** How per-message figures are attributed, in words the pages show next to them. */
export const MESSAGE_ATTRIBUTION_RULE =
  "Each conversion is credited to the last message the person was sent in this journey before converting; conversions with no message before them are credited to none.";

export interface WorkspaceOverview {
  range: DashboardRange;
  generatedAt: string;
  /** when the rollups last ran for this workspace; null: never (no data yet, or not rebuilt) */
  updatedAt: string | null;
  totals: {
    /** named events (track, page, screen) in the range */
    events: number;
    /** enrollments that entered a journey in the range */
    entered: number;
    conversions: number;
    /** people in a journey right now (walking or waiting), not limited to the range */
    activeNow: number;
    sent: number;
  } & RevenueFigures;
  /** one row per day of the range, zeros included */
  daily: {
    day: string;
    events: number;
    entered: number;
    conversions: number;
    sent: number;
    revenue: number;
    orders: number;
  }[];
  /** per channel, over the range: messages at each stage, and rates */
  channels: ChannelStats[];
  /** the journeys with the most entries in the range (at most 10) */
  journeys: ({
    id: string;
    name: string;
    status: string;
    entered: number;
    conversions: number;
    conversionRate: number | null;
  } & RevenueFigures)[];
  /**
   * the latest broadcasts that started in the range (at most 5), with their sends, rates, conversions and revenue,
   * read from their messages (lib/broadcasts/results/recent-broadcasts.ts); always in the answer, optional for
   * overviews built by hand (the views' tests)
   */
  broadcasts?: RecentBroadcast[];
}

export interface FunnelStep {
  nodeId: string;
  type: string;
  label: string | null;
  /** longest distance from the trigger, for indenting branches */
  depth: number;
  /**
   * people who reached the node in the range along one of the shown graph's edges into it (the trigger: its
   * entries), so a step never has more people than the paths into it brought
   */
  entered: number;
  /** every visit of the node in the range, also ones not along those edges (a goal step a goal event jumped someone to, an older version's path) */
  visits: number;
  /** conversions in the range by people who had reached the node along those edges (the trigger: who had entered) */
  converted: number;
  /** converted / entered */
  conversionRate: number | null;
  /** entered / the trigger's entered: how far down the journey people get */
  ofStart: number | null;
  /** false for a node that only older versions had */
  inGraph: boolean;
  /** message steps: what happened to the messages it queued, over the range */
  messages?: MessageStageCounts;
}

export interface JourneyAnalytics {
  journey: { id: string; name: string; status: string; version: number | null };
  range: DashboardRange;
  generatedAt: string;
  updatedAt: string | null;
  totals: {
    entered: number;
    completed: number;
    exited: number;
    failed: number;
    conversions: number;
    /** conversions / entered in the range */
    conversionRate: number | null;
    activeNow: number;
    sent: number;
  } & RevenueFigures;
  daily: { day: string; entered: number; sent: number; conversions: number; revenue: number; orders: number }[];
  /** the live version's nodes (the draft's, before the first publish) in graph order; then nodes only older versions had */
  funnel: FunnelStep[];
  channels: ChannelStats[];
  /** message steps with sends or attributed conversions in the range, most revenue first (MESSAGE_ATTRIBUTION_RULE) */
  messages: MessagePerformance[];
  attribution: string;
}

const NOT_FOUND_JOURNEY = "No such journey in this workspace.";
const isUuid = (id: string) => z.uuid().safeParse(id).success;
const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

// Money is added up in units of 1/10,000 (the Decimal(18, 4) scale), as integers, so sums are exact.
const toUnits = (decimal: string | number | null | undefined) => Math.round(Number(decimal ?? 0) * 10_000);
const fromUnits = (units: number) => units / 10_000;

function revenueFigures(revenueUnits: number, orders: number, entered: number): RevenueFigures {
  const revenue = fromUnits(revenueUnits);
  return {
    revenue,
    orders,
    averageOrderValue: orders > 0 ? fromUnits(Math.round(revenueUnits / orders)) : null,
    revenuePerEntered: entered > 0 ? fromUnits(Math.round(revenueUnits / entered)) : null,
  };
}

function emptyStages(): MessageStageCounts {
  return Object.fromEntries(MESSAGE_STAGES.map((s) => [s, 0])) as MessageStageCounts;
}

function addStages(into: MessageStageCounts, row: MessageStageCounts): void {
  for (const s of MESSAGE_STAGES) into[s] += row[s];
}

function withRates(channel: string, c: MessageStageCounts): ChannelStats {
  return {
    channel,
    ...c,
    deliveryRate: ratio(c.delivered, c.sent),
    // an SMS cannot report being read: no open rate rather than 0%
    openRate: channel === "sms" ? null : ratio(c.opened, c.delivered),
    clickRate: ratio(c.clicked, c.delivered),
    bounceRate: ratio(c.bounced, c.sent),
  };
}

const CHANNEL_ORDER = ["email", "sms", "push", "in_app"];
const byChannel = (a: ChannelStats, b: ChannelStats) => {
  const ia = CHANNEL_ORDER.indexOf(a.channel);
  const ib = CHANNEL_ORDER.indexOf(b.channel);
  return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.channel.localeCompare(b.channel);
};

async function lastRunAt(workspaceId: string): Promise<string | null> {
  return (await selectLastRollupRunAt(pgPool(), workspaceId))?.toISOString() ?? null;
}

/** The workspace overview for a range (query: `{ from?, to? }`). */
export async function workspaceOverview(
  ctx: WorkspaceContext,
  query: unknown,
  now: Date = new Date(),
): Promise<WorkspaceOverview> {
  requirePermission(ctx, "workspace:read");
  const range = parseDashboardQuery(query, now);
  const workspaceId = ctx.workspace.id;
  const pool = pgPool();

  const [events, journeyDays, messages, journeys, activeNow, updatedAt, broadcasts] = await Promise.all([
    selectEventsPerDay(pool, workspaceId, range.from, range.to),
    selectWorkspaceJourneyTotalsPerDay(pool, workspaceId, range.from, range.to),
    selectWorkspaceMessageStagesPerDay(pool, workspaceId, range.from, range.to),
    selectTopJourneys(pool, workspaceId, range.from, range.to),
    countActiveEnrollmentsInWorkspace(pool, workspaceId),
    lastRunAt(workspaceId),
    recentBroadcasts(
      workspaceId,
      new Date(`${range.from}T00:00:00Z`),
      addDays(new Date(`${range.to}T00:00:00Z`), 1),
      now,
    ),
  ]);

  const daily = new Map(
    daysOf(range).map((day) => [day, { day, events: 0, entered: 0, conversions: 0, sent: 0, revenue: 0, orders: 0 }]),
  );
  for (const r of events) daily.get(r.day)!.events = r.n;
  let revenueUnits = 0;
  for (const r of journeyDays) {
    const d = daily.get(r.day)!;
    d.entered = r.entered;
    d.conversions = r.converted;
    d.orders = r.orders;
    d.revenue = fromUnits(toUnits(r.revenue));
    revenueUnits += toUnits(r.revenue);
  }
  const channels = new Map<string, MessageStageCounts>();
  for (const r of messages) {
    daily.get(r.day)!.sent += r.sent;
    const c = channels.get(r.channel) ?? emptyStages();
    addStages(c, r);
    channels.set(r.channel, c);
  }
  const rows = [...daily.values()];
  const sum = (key: "events" | "entered" | "conversions" | "sent" | "orders") => rows.reduce((n, r) => n + r[key], 0);

  return {
    range,
    generatedAt: now.toISOString(),
    updatedAt,
    totals: {
      events: sum("events"),
      entered: sum("entered"),
      conversions: sum("conversions"),
      activeNow,
      sent: sum("sent"),
      ...revenueFigures(revenueUnits, sum("orders"), sum("entered")),
    },
    daily: rows,
    channels: [...channels].map(([channel, c]) => withRates(channel, c)).sort(byChannel),
    journeys: journeys.map((j) => ({
      id: j.id,
      name: j.name,
      status: j.status,
      entered: j.entered,
      conversions: j.converted,
      conversionRate: ratio(j.converted, j.entered),
      ...revenueFigures(toUnits(j.revenue), j.orders, j.entered),
    })),
    broadcasts,
  };
}

/** One journey's analytics for a range (query: `{ from?, to? }`). */
export async function journeyAnalytics(
  ctx: WorkspaceContext,
  journeyId: string,
  query: unknown,
  now: Date = new Date(),
): Promise<JourneyAnalytics> {
  requirePermission(ctx, "workspace:read");
  if (!isUuid(journeyId)) throw new AppError("not_found", NOT_FOUND_JOURNEY);
  const range = parseDashboardQuery(query, now);
  const pool = pgPool();
  const journey = await selectJourneyWithShownGraph(pool, journeyId, ctx.workspace.id);
  if (!journey) throw new AppError("not_found", NOT_FOUND_JOURNEY);

  const [days, nodes, edges, messages, activeNow, updatedAt] = await Promise.all([
    selectJourneyDays(pool, journeyId, range.from, range.to),
    selectNodeTotals(pool, journeyId, range.from, range.to),
    selectEdgeTotals(pool, journeyId, range.from, range.to),
    selectJourneyMessageStagesPerDay(pool, journeyId, range.from, range.to),
    countActiveEnrollmentsInJourney(pool, journeyId),
    lastRunAt(ctx.workspace.id),
  ]);

  const daily = new Map(
    daysOf(range).map((day) => [day, { day, entered: 0, sent: 0, conversions: 0, revenue: 0, orders: 0 }]),
  );
  const totals = { entered: 0, completed: 0, exited: 0, failed: 0, conversions: 0, sent: 0 };
  let revenueUnits = 0;
  let orders = 0;
  for (const r of days) {
    const d = daily.get(r.day)!;
    d.entered = r.entered;
    d.conversions = r.converted;
    d.orders = r.orders;
    d.revenue = fromUnits(toUnits(r.revenue));
    revenueUnits += toUnits(r.revenue);
    orders += r.orders;
    totals.entered += r.entered;
    totals.completed += r.completed;
    totals.exited += r.exited;
    totals.failed += r.failed;
    totals.conversions += r.converted;
  }
  const channels = new Map<string, MessageStageCounts>();
  const byNode = new Map<string, MessageStageCounts>();
  const attributed = new Map<string, { channel: string; conversions: number; orders: number; revenueUnits: number }>();
  for (const r of messages) {
    if (r.nodeId) {
      const a = attributed.get(`${r.nodeId}\u0000${r.channel}`) ?? {
        channel: r.channel,
        conversions: 0,
        orders: 0,
        revenueUnits: 0,
      };
      a.conversions += r.conversions;
      a.orders += r.orders;
      a.revenueUnits += toUnits(r.revenue);
      attributed.set(`${r.nodeId}\u0000${r.channel}`, a);
    }
    daily.get(r.day)!.sent += r.sent;
    totals.sent += r.sent;
    const c = channels.get(r.channel) ?? emptyStages();
    addStages(c, r);
    channels.set(r.channel, c);
    const n = byNode.get(r.nodeId) ?? emptyStages();
    addStages(n, r);
    byNode.set(r.nodeId, n);
  }

  const counts = new Map(nodes.map((r) => [r.nodeId, { entered: r.entered, converted: r.converted }]));
  const graph = journey.graph ?? {};
  const ordered = graphOrder(graph.nodes ?? [], graph.edges ?? []);
  // A step of the shown graph counts the people who came along its edges into it (AnalyticsEdgeDay: the edge
  // of the version each person walked, matched to the shown graph's edges by source, exit and target), so it
  // never counts more than the paths into it brought; the trigger counts its entries.
  const edgeKey = (source: string, branch: string, target: string) => `${source}\u0000${branch}\u0000${target}`;
  const edgeCounts = new Map(
    edges.map((r) => [edgeKey(r.source, r.branch, r.target), { entered: r.entered, converted: r.converted }]),
  );
  const reached = new Map<string, { entered: number; converted: number }>();
  for (const e of new Map(
    (graph.edges ?? []).map((e) => [edgeKey(e.source, e.branch ?? "next", e.target), e]),
  ).values()) {
    const c = edgeCounts.get(edgeKey(e.source, e.branch ?? "next", e.target));
    const r = reached.get(e.target) ?? { entered: 0, converted: 0 };
    reached.set(e.target, { entered: r.entered + (c?.entered ?? 0), converted: r.converted + (c?.converted ?? 0) });
  }
  const start = ordered
    .filter(({ node }) => node.type.startsWith("trigger."))
    .reduce((n, { node }) => n + (counts.get(node.id)?.entered ?? 0), 0);
  const step = (nodeId: string, type: string, label: string | null, depth: number, inGraph: boolean): FunnelStep => {
    const visits = counts.get(nodeId) ?? { entered: 0, converted: 0 };
    // the trigger, and a node only older versions had (no edge of the shown graph leads to it): its own counts
    const c = inGraph && !type.startsWith("trigger.") ? (reached.get(nodeId) ?? { entered: 0, converted: 0 }) : visits;
    const messagesOfNode = byNode.get(nodeId);
    return {
      nodeId,
      type,
      label,
      depth,
      entered: c.entered,
      visits: visits.entered,
      converted: c.converted,
      conversionRate: ratio(c.converted, c.entered),
      ofStart: ratio(c.entered, start),
      inGraph,
      ...(messagesOfNode ? { messages: messagesOfNode } : {}),
    };
  };
  const inGraph = new Set(ordered.map(({ node }) => node.id));
  const funnel = [
    ...ordered.map(({ node, depth }) => step(node.id, node.type, node.label || null, depth, true)),
    ...[...counts.keys()]
      .filter((id) => !inGraph.has(id))
      .sort()
      .map((id) => step(id, "removed", null, 0, false)),
  ];

  const labels = new Map((graph.nodes ?? []).map((n) => [n.id, n.label || null]));
  const messagePerformance: MessagePerformance[] = [...attributed].map(([key, a]) => {
    const nodeId = key.split("\u0000")[0];
    const sent = channelOfNode(messages, nodeId, a.channel, "sent");
    return {
      nodeId,
      label: labels.get(nodeId) ?? null,
      channel: a.channel,
      sent,
      clicked: channelOfNode(messages, nodeId, a.channel, "clicked"),
      conversions: a.conversions,
      orders: a.orders,
      revenue: fromUnits(a.revenueUnits),
      revenuePerRecipient: sent > 0 ? fromUnits(Math.round(a.revenueUnits / sent)) : null,
      inGraph: inGraph.has(nodeId),
    };
  });
  messagePerformance.sort(
    (a, b) =>
      b.revenue - a.revenue || b.conversions - a.conversions || b.sent - a.sent || a.nodeId.localeCompare(b.nodeId),
  );

  return {
    journey: { id: journey.id, name: journey.name, status: journey.status, version: journey.version },
    range,
    generatedAt: now.toISOString(),
    updatedAt,
    totals: {
      ...totals,
      conversionRate: ratio(totals.conversions, totals.entered),
      activeNow,
      ...revenueFigures(revenueUnits, orders, totals.entered),
    },
    daily: [...daily.values()],
    funnel,
    channels: [...channels].map(([channel, c]) => withRates(channel, c)).sort(byChannel),
    messages: messagePerformance,
    attribution: MESSAGE_ATTRIBUTION_RULE,
  };
}

/** A message step's count of one stage on one channel over the range's rows. */
function channelOfNode(rows: JourneyMessageDay[], nodeId: string, channel: string, stage: MessageStage): number {
  return rows.reduce((n, r) => (r.nodeId === nodeId && r.channel === channel ? n + r[stage] : n), 0);
}
