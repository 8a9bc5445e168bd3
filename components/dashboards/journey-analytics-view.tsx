import { Route } from "lucide-react";
import Link from "next/link";
import type { FunnelStep, JourneyAnalytics } from "@/lib/analytics/dashboards";
import type { NodeType } from "@/lib/journeys/graph";
import { NODE_MODULES } from "../canvas/nodes";
import { EmptyState } from "../events/empty-state";
import { formatCount } from "../events/format";
import { buttonClass } from "../ui/button";
import { Card } from "../ui/card";
import { plural } from "../ui/format";
import { ChannelRates, DailyBars, DailyLines, FunnelBars } from "./charts";
import { COLORS } from "./colors";
import { ChannelTable, channelLabel, formatMoney, RevenueStats, Stat } from "./parts";
import { describeRange, formatPercent } from "./range";

export function stepLabel(step: Pick<FunnelStep, "type" | "label" | "nodeId" | "inGraph">): string {
  if (!step.inGraph) return `Removed step (${step.nodeId})`;
  return step.label || NODE_MODULES[step.type as NodeType]?.title || step.type;
}

/** One journey's analytics: figures, the funnel with conversion per step, the series, delivery by channel. */
export function JourneyAnalyticsView({ slug, analytics }: { slug: string; analytics: JourneyAnalytics }) {
  const { totals, range, journey } = analytics;
  const when = describeRange(range);
  const canvas = `/w/${slug}/journeys/${journey.id}`;
  if (
    totals.entered === 0 &&
    totals.conversions === 0 &&
    totals.sent === 0 &&
    analytics.funnel.every((s) => s.entered === 0)
  ) {
    return (
      <div className="space-y-6">
        {totals.activeNow ? (
          <div className="grid grid-cols-2 gap-4 md:grid-cols-6">
            <Stat
              label="In the journey now"
              value={totals.activeNow}
              detail="walking or waiting"
              testId="stat-active"
            />
          </div>
        ) : null}
        <EmptyState
          icon={Route}
          heading={`No one entered this journey for ${when}`}
          actions={
            <Link href={canvas} className={buttonClass("secondary")}>
              Open the canvas
            </Link>
          }
        >
          <p>
            {journey.status === "DRAFT"
              ? "This journey has not been published yet. Once it is, everyone whose events match its trigger enters it, and the funnel, the series and the delivery rates appear here."
              : "The funnel, entries, messages and conversions appear here once people enter the journey: when its trigger event arrives (or your backend enrolls them through the API)."}
          </p>
          <p>The charts are brought up to date every minute. If you expected data here, try a longer range.</p>
        </EmptyState>
      </div>
    );
  }

  const funnel = analytics.funnel.filter((s) => s.inGraph || s.entered > 0);
  return (
    <div className="space-y-6" data-testid="journey-analytics">
      <div className="grid grid-cols-2 gap-4 md:grid-cols-6">
        <Stat label="Entered" value={totals.entered} detail="enrollments started" testId="stat-entered" />
        <Stat
          label="Conversions"
          value={totals.conversions}
          detail={`${formatPercent(totals.conversionRate)} of entries`}
          testId="stat-conversions"
        />
        <Stat label="Completed" value={totals.completed} detail="reached an end" testId="stat-completed" />
        <Stat
          label="Exited"
          value={totals.exited}
          detail={totals.failed ? `${formatCount(totals.failed)} failed` : "by an exit event or archiving"}
          testId="stat-exited"
        />
        <Stat
          label="In the journey now"
          value={totals.activeNow}
          detail="walking or waiting, right now"
          testId="stat-active"
        />
        <Stat label="Messages sent" value={totals.sent} detail="by its message steps" testId="stat-sent" />
      </div>
      <RevenueStats totals={totals} />

      <Card
        title="Funnel"
        description="How many people reached each step along the journey's paths, in the order of the journey, and how many of them converted."
      >
        <div className="space-y-5">
          <FunnelBars
            data={funnel.map((s) => ({ label: stepLabel(s), entered: s.entered, ofStart: s.ofStart }))}
            summary={`Funnel, ${when}: ${funnel.map((s) => `${stepLabel(s)} ${formatCount(s.entered)}`).join(", ")}.`}
            testId="funnel-chart"
          />
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm" data-testid="funnel-table">
              <thead className="text-xs tracking-wide text-stone-500 uppercase">
                <tr>
                  <th scope="col" className="py-2 font-medium">
                    Step
                  </th>
                  <th scope="col" className="py-2 pl-4 text-right font-medium">
                    Entered
                  </th>
                  <th scope="col" className="py-2 pl-4 text-right font-medium">
                    Of those who started
                  </th>
                  <th scope="col" className="py-2 pl-4 text-right font-medium">
                    Converted after
                  </th>
                  <th scope="col" className="py-2 pl-4 text-right font-medium">
                    Conversion
                  </th>
                  <th scope="col" className="py-2 pl-4 font-medium">
                    Messages
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-stone-100">
                {funnel.map((s) => {
                  const Icon = NODE_MODULES[s.type as NodeType]?.icon;
                  return (
                    <tr key={s.nodeId} data-testid={`funnel-${s.nodeId}`}>
                      <th scope="row" className="py-2.5 font-medium text-stone-900">
                        <span className="flex items-center gap-2">
                          {Icon ? <Icon className="h-4 w-4 shrink-0 text-stone-400" aria-hidden="true" /> : null}
                          {stepLabel(s)}
                          {s.label && s.inGraph ? (
                            <span className="text-xs font-normal text-stone-400">
                              {NODE_MODULES[s.type as NodeType]?.title}
                            </span>
                          ) : null}
                        </span>
                      </th>
                      <td
                        className="py-2.5 pl-4 text-right tabular-nums"
                        title={
                          s.visits > s.entered
                            ? `${formatCount(s.visits - s.entered)} more reached this step another way (not counted)`
                            : undefined
                        }
                      >
                        {formatCount(s.entered)}
                      </td>
                      <td className="py-2.5 pl-4 text-right text-stone-600 tabular-nums">{formatPercent(s.ofStart)}</td>
                      <td className="py-2.5 pl-4 text-right tabular-nums">{formatCount(s.converted)}</td>
                      <td className="py-2.5 pl-4 text-right font-medium tabular-nums">
                        {formatPercent(s.conversionRate)}
                      </td>
                      <td className="py-2.5 pl-4 text-xs whitespace-nowrap text-stone-600">
                        {s.messages
                          ? `${formatCount(s.messages.sent)} sent · ${formatCount(s.messages.delivered)} delivered · ${formatCount(s.messages.opened)} opened · ${formatCount(s.messages.clicked)} clicked`
                          : null}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <p className="mt-3 text-xs text-stone-500">
              A step counts the people who reached it along the journey&apos;s arrows, so it never shows more than the
              paths into it brought (someone a goal event took straight to a goal step, or an older version that reached
              the step another way, is not counted there). Conversion per step: conversions in this range by those
              people, over them. A conversion counts on the day it happened, also when it came days after the visit.
            </p>
          </div>
        </div>
      </Card>

      <Card title="Over time" description="Per day: people who entered, messages sent, conversions.">
        <DailyLines
          data={analytics.daily}
          series={[
            { key: "entered", label: "Entered", color: COLORS.entered },
            { key: "sent", label: "Messages sent", color: COLORS.sent, dashed: true },
            { key: "conversions", label: "Conversions", color: COLORS.conversions },
          ]}
          summary={`Per day, ${when}: ${formatCount(totals.entered)} entered, ${plural(totals.sent, "message")} sent, ${plural(totals.conversions, "conversion")}.`}
          testId="chart-over-time"
        />
      </Card>

      <Card
        title="Revenue per day"
        description="The value of the orders this journey converted (the goal's revenue property), by the day of the order."
      >
        <DailyBars
          data={analytics.daily}
          series={{ key: "revenue", label: "Revenue", color: COLORS.revenue, format: "money" }}
          summary={`Revenue per day, ${when}: ${formatMoney(totals.revenue)} from ${plural(totals.orders, "order")}.`}
          testId="chart-revenue"
        />
      </Card>

      <Card title="Revenue by message" description={analytics.attribution}>
        {analytics.messages.length ? (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm" data-testid="message-revenue-table">
              <thead className="text-xs tracking-wide text-stone-500 uppercase">
                <tr>
                  <th scope="col" className="py-2 font-medium">
                    Message
                  </th>
                  <th scope="col" className="py-2 pl-4 text-right font-medium">
                    Sent
                  </th>
                  <th scope="col" className="py-2 pl-4 text-right font-medium">
                    Conversions
                  </th>
                  <th scope="col" className="py-2 pl-4 text-right font-medium">
                    Orders
                  </th>
                  <th scope="col" className="py-2 pl-4 text-right font-medium">
                    Revenue
                  </th>
                  <th scope="col" className="py-2 pl-4 text-right font-medium">
                    Per recipient
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-stone-100">
                {analytics.messages.map((m) => (
                  <tr key={`${m.nodeId}:${m.channel}`} data-testid={`message-revenue-${m.nodeId}`}>
                    <th scope="row" className="py-2.5 font-medium text-stone-900">
                      {m.inGraph ? m.label || m.nodeId : `Removed step (${m.nodeId})`}{" "}
                      <span className="text-xs font-normal text-stone-400">{channelLabel(m.channel)}</span>
                    </th>
                    <td className="py-2.5 pl-4 text-right tabular-nums">{formatCount(m.sent)}</td>
                    <td className="py-2.5 pl-4 text-right tabular-nums">{formatCount(m.conversions)}</td>
                    <td className="py-2.5 pl-4 text-right tabular-nums">{formatCount(m.orders)}</td>
                    <td className="py-2.5 pl-4 text-right font-medium tabular-nums">{formatMoney(m.revenue)}</td>
                    <td className="py-2.5 pl-4 text-right tabular-nums">{formatMoney(m.revenuePerRecipient)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="text-sm text-stone-600">No messages in this range.</p>
        )}
      </Card>

      <Card title="Delivery by channel" description="Of the messages this journey sent in this range.">
        {analytics.channels.length ? (
          <div className="space-y-5">
            <ChannelRates
              data={analytics.channels.map((c) => ({
                label: channelLabel(c.channel),
                deliveryRate: c.deliveryRate,
                openRate: c.openRate,
                clickRate: c.clickRate,
                bounceRate: c.bounceRate,
              }))}
              summary={`Delivery by channel, ${when}: ${analytics.channels.map((c) => `${channelLabel(c.channel)} ${formatPercent(c.deliveryRate)} delivered, ${formatPercent(c.openRate)} opened`).join("; ")}.`}
              testId="chart-delivery"
            />
            <ChannelTable channels={analytics.channels} testId="channel-table" />
          </div>
        ) : (
          <p className="text-sm text-stone-600">
            No messages in this range. They appear here when the journey&apos;s email, SMS, push or in-app steps queue
            one.
          </p>
        )}
      </Card>
    </div>
  );
}
