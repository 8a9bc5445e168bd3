import { BarChart3 } from "lucide-react";
import Link from "next/link";
import type { WorkspaceOverview } from "@/lib/analytics/dashboards";
import { EmptyState } from "../events/empty-state";
import { formatCount } from "../events/format";
import { buttonClass } from "../ui/button";
import { Badge, Card } from "../ui/card";
import { plural } from "../ui/format";
import { ChannelStages, DailyBars, DailyLines } from "./charts";
import { COLORS } from "./colors";
import { ChannelTable, channelLabel, formatMoney, RevenueStats, Stat } from "./parts";
import { describeRange, formatPercent } from "./range";

const STATUS_LABEL: Record<string, string> = { DRAFT: "Draft", LIVE: "Live", PAUSED: "Paused", ARCHIVED: "Archived" };

/** The workspace overview: figures, events per day, entries and conversions per day, messages by channel, journeys. */
export function WorkspaceOverviewView({
  slug,
  overview,
  canManageKeys,
}: {
  slug: string;
  overview: WorkspaceOverview;
  canManageKeys: boolean;
}) {
  const { totals, range } = overview;
  const when = describeRange(range);
  const empty =
    totals.events === 0 &&
    totals.entered === 0 &&
    totals.conversions === 0 &&
    totals.orders === 0 &&
    overview.channels.length === 0 &&
    !overview.broadcasts?.length;
  if (empty) {
    return (
      <div className="space-y-6">
        {totals.activeNow ? (
          <div className="grid grid-cols-2 gap-4 md:grid-cols-5">
            <Stat label="In a journey now" value={totals.activeNow} detail="walking or waiting" testId="stat-active" />
          </div>
        ) : null}
        <EmptyState
          icon={BarChart3}
          heading={`Nothing to chart for ${when}`}
          actions={
            <>
              {canManageKeys ? (
                <Link href={`/w/${slug}/settings/api-keys`} className={buttonClass("primary")}>
                  Get an API key
                </Link>
              ) : null}
              <Link href={`/w/${slug}/journeys`} className={buttonClass(canManageKeys ? "secondary" : "primary")}>
                Go to journeys
              </Link>
            </>
          }
        >
          <p>
            Events per day appear here as soon as your websites, apps or servers send events (a write API key, or a
            webhook source). Entries, conversions and messages appear once a published journey takes people in.
          </p>
          <p>The charts are brought up to date every minute. If you expected data here, try a longer range.</p>
        </EmptyState>
      </div>
    );
  }

  const conversionRate = totals.entered ? totals.conversions / totals.entered : null;
  return (
    <div className="space-y-6" data-testid="overview">
      <div className="grid grid-cols-2 gap-4 md:grid-cols-5">
        <Stat label="Events" value={totals.events} detail="track, page and screen calls" testId="stat-events" />
        <Stat label="Entered journeys" value={totals.entered} detail="enrollments started" testId="stat-entered" />
        <Stat
          label="Conversions"
          value={totals.conversions}
          detail={conversionRate === null ? "goals reached" : `${formatPercent(conversionRate)} of entries`}
          testId="stat-conversions"
        />
        <Stat
          label="In a journey now"
          value={totals.activeNow}
          detail="walking or waiting, right now"
          testId="stat-active"
        />
        <Stat label="Messages sent" value={totals.sent} detail="all channels" testId="stat-sent" />
      </div>
      <RevenueStats totals={totals} />

      <div className="grid gap-6 xl:grid-cols-2">
        <Card
          title="Events per day"
          description="Named events (track, page and screen calls) by the day they happened."
        >
          <DailyBars
            data={overview.daily}
            series={{ key: "events", label: "Events", color: COLORS.events }}
            summary={`Events per day, ${when}: ${formatCount(totals.events)} in all.`}
            testId="chart-events"
          />
        </Card>
        <Card
          title="Entries and conversions per day"
          description="People who entered a journey, and conversions (a journey's goal reached)."
        >
          <DailyLines
            data={overview.daily}
            series={[
              { key: "entered", label: "Entered", color: COLORS.entered },
              { key: "conversions", label: "Conversions", color: COLORS.conversions },
            ]}
            summary={`Per day, ${when}: ${plural(totals.entered, "entry", "entries")} and ${plural(totals.conversions, "conversion")} in all.`}
            testId="chart-enrollments"
          />
        </Card>
      </div>

      <Card
        title="Revenue per day"
        description="The value of the orders journeys converted (each journey goal's revenue property), by the day of the order."
      >
        <DailyBars
          data={overview.daily}
          series={{ key: "revenue", label: "Revenue", color: COLORS.revenue, format: "money" }}
          summary={`Revenue per day, ${when}: ${formatMoney(totals.revenue)} from ${plural(totals.orders, "order")} in all.`}
          testId="chart-revenue"
        />
      </Card>

      <Card
        title="Messages by channel and status"
        description="What happened to the messages journeys queued, in this range."
      >
        {overview.channels.length ? (
          <div className="space-y-5">
            <ChannelStages
              data={overview.channels.map((c) => ({
                label: channelLabel(c.channel),
                sent: c.sent,
                delivered: c.delivered,
                opened: c.opened,
                clicked: c.clicked,
                notDelivered: c.bounced + c.failed,
              }))}
              summary={`Messages by channel, ${when}: ${overview.channels.map((c) => `${channelLabel(c.channel)} ${formatCount(c.sent)} sent, ${formatCount(c.delivered)} delivered`).join("; ")}.`}
              testId="chart-messages"
            />
            <ChannelTable channels={overview.channels} testId="channel-table" />
          </div>
        ) : (
          <p className="text-sm text-stone-600">
            No messages in this range. Messages appear here when a journey&apos;s email, SMS, push or in-app step queues
            one.
          </p>
        )}
      </Card>

      <Card title="Journeys" description="The journeys most people entered in this range.">
        {overview.journeys.length ? (
          <table className="w-full text-left text-sm" data-testid="journey-table">
            <thead className="text-xs tracking-wide text-stone-500 uppercase">
              <tr>
                <th scope="col" className="py-2 font-medium">
                  Journey
                </th>
                <th scope="col" className="py-2 pl-4 text-right font-medium">
                  Entered
                </th>
                <th scope="col" className="py-2 pl-4 text-right font-medium">
                  Conversions
                </th>
                <th scope="col" className="py-2 pl-4 text-right font-medium">
                  Conversion rate
                </th>
                <th scope="col" className="py-2 pl-4 text-right font-medium">
                  Revenue
                </th>
                <th scope="col" className="py-2 pl-4 text-right font-medium">
                  Per person entered
                </th>
                <th scope="col" className="py-2 pl-4">
                  <span className="sr-only">Analytics</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-stone-100">
              {overview.journeys.map((j) => (
                <tr key={j.id}>
                  <th scope="row" className="py-2.5 font-medium text-stone-900">
                    <span className="mr-2">{j.name}</span>
                    <Badge tone={j.status === "LIVE" ? "brand" : j.status === "PAUSED" ? "amber" : "stone"}>
                      {STATUS_LABEL[j.status] ?? j.status}
                    </Badge>
                  </th>
                  <td className="py-2.5 pl-4 text-right tabular-nums">{formatCount(j.entered)}</td>
                  <td className="py-2.5 pl-4 text-right tabular-nums">{formatCount(j.conversions)}</td>
                  <td className="py-2.5 pl-4 text-right font-medium tabular-nums">{formatPercent(j.conversionRate)}</td>
                  <td className="py-2.5 pl-4 text-right tabular-nums">{formatMoney(j.revenue)}</td>
                  <td className="py-2.5 pl-4 text-right tabular-nums">{formatMoney(j.revenuePerEntered)}</td>
                  <td className="py-2.5 pl-4 text-right">
                    <Link
                      href={`/w/${slug}/journeys/${j.id}/analytics?from=${range.from}&to=${range.to}`}
                      className="text-sm font-medium text-brand-700 hover:text-brand-900"
                    >
                      Analytics
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="text-sm text-stone-600">No one entered a journey in this range.</p>
        )}
      </Card>

      <BroadcastsCard slug={slug} broadcasts={overview.broadcasts ?? []} />
    </div>
  );
}

const BROADCAST_STATUS: Record<string, string> = {
  SCHEDULED: "Scheduled",
  SENDING: "Sending",
  PAUSED: "Paused",
  SENT: "Sent",
  CANCELLED: "Cancelled",
};

/** The latest broadcasts that started in the range, with what their results page headlines. */
function BroadcastsCard({
  slug,
  broadcasts,
}: {
  slug: string;
  broadcasts: NonNullable<WorkspaceOverview["broadcasts"]>;
}) {
  return (
    <Card
      title="Broadcasts"
      description="The latest broadcasts that started in this range: open and click rates over delivered, conversions within each broadcast's window."
    >
      {broadcasts.length ? (
        <table className="w-full text-left text-sm" data-testid="broadcast-table">
          <thead className="text-xs tracking-wide text-stone-500 uppercase">
            <tr>
              <th scope="col" className="py-2 font-medium">
                Broadcast
              </th>
              {["Sent", "Open rate", "Click rate", "Conversions", "Revenue"].map((h) => (
                <th key={h} scope="col" className="py-2 pl-4 text-right font-medium">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-stone-100">
            {broadcasts.map((b) => (
              <tr key={b.id} data-testid="broadcast-row">
                <th scope="row" className="py-2.5 font-medium text-stone-900">
                  <Link href={`/w/${slug}/broadcasts/${b.id}`} className="mr-2 hover:text-brand-800">
                    {b.name}
                  </Link>
                  <Badge tone={b.status === "SENDING" ? "brand" : b.status === "PAUSED" ? "amber" : "stone"}>
                    {BROADCAST_STATUS[b.status] ?? b.status}
                  </Badge>
                  <span className="ml-2 text-xs font-normal text-stone-500">{channelLabel(b.channel)}</span>
                </th>
                <td className="py-2.5 pl-4 text-right tabular-nums">{formatCount(b.sent)}</td>
                <td className="py-2.5 pl-4 text-right tabular-nums">{formatPercent(b.openRate)}</td>
                <td className="py-2.5 pl-4 text-right tabular-nums">{formatPercent(b.clickRate)}</td>
                <td className="py-2.5 pl-4 text-right tabular-nums">{formatCount(b.conversions)}</td>
                <td className="py-2.5 pl-4 text-right tabular-nums">{formatMoney(b.revenue)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="text-sm text-stone-600">No broadcast started in this range.</p>
      )}
    </Card>
  );
}
