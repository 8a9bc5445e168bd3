import type { ReactNode } from "react";
import type { ChannelStats, RevenueFigures } from "@/lib/analytics/dashboards";
import { formatCount } from "../events/format";
import { formatDateTime } from "../ui/format";
import { CHANNEL_LABEL, type ChannelName } from "../templates/channels";
import { formatPercent } from "./range";

/** Small pieces the two dashboards share: figures, the freshness line, the per-channel table. */

export function channelLabel(channel: string): string {
  return CHANNEL_LABEL[channel as ChannelName] ?? channel;
}

// A fixed locale, so the server's render and the browser's agree. The amount is what the events sent: Cairn
// stores no currency, so none is shown.
const MONEY = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** An amount of revenue (null: nothing to divide by) as "1,234.50", or "–". */
export function formatMoney(value: number | null): string {
  return value === null ? "–" : MONEY.format(value);
}

export function Stat({
  label,
  value,
  detail,
  testId,
  money = false,
}: {
  label: string;
  value: number | null;
  detail?: ReactNode;
  testId: string;
  money?: boolean;
}) {
  return (
    <div className="rounded-xl bg-white px-5 py-4 shadow-sm ring-1 ring-stone-200" data-testid={testId}>
      <div className="text-xs font-medium tracking-wide text-stone-500 uppercase">{label}</div>
      <div className="mt-1 text-2xl font-semibold text-stone-900 tabular-nums">
        {money ? formatMoney(value) : formatCount(value ?? 0)}
      </div>
      {detail ? <div className="mt-0.5 text-xs text-stone-500">{detail}</div> : null}
    </div>
  );
}

export function Freshness({ updatedAt, cadence = "every minute" }: { updatedAt: string | null; cadence?: string }) {
  return (
    <p className="text-xs text-stone-500" data-testid="rollup-freshness">
      {updatedAt
        ? `Counts as of ${formatDateTime(updatedAt)}; they are brought up to date ${cadence}.`
        : `Counts are brought up to date ${cadence}; the first update has not run yet.`}
    </p>
  );
}

/** Messages per channel: every stage, and the rates. Suppressed, unsubscribed and complaints only when some channel has any. */
export function ChannelTable({ channels, testId }: { channels: ChannelStats[]; testId: string }) {
  const optional = (["suppressed", "unsubscribed", "complained"] as const).filter((k) =>
    channels.some((c) => c[k] > 0),
  );
  const counts = [
    { key: "queued", label: "Queued" },
    { key: "sent", label: "Sent" },
    { key: "delivered", label: "Delivered" },
    { key: "opened", label: "Opened" },
    { key: "clicked", label: "Clicked" },
    { key: "bounced", label: "Bounced" },
    { key: "failed", label: "Failed" },
    ...optional.map((key) => ({
      key,
      label: { suppressed: "Suppressed", unsubscribed: "Unsubscribed", complained: "Complaints" }[key],
    })),
  ] as { key: keyof ChannelStats; label: string }[];
  const rates = [
    { key: "deliveryRate", label: "Delivery rate" },
    { key: "openRate", label: "Open rate" },
    { key: "clickRate", label: "Click rate" },
  ] as { key: keyof ChannelStats; label: string }[];
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" data-testid={testId}>
        <thead className="text-xs tracking-wide text-stone-500 uppercase">
          <tr>
            <th scope="col" className="py-2 font-medium">
              Channel
            </th>
            {[...counts, ...rates].map((c) => (
              <th key={c.key} scope="col" className="py-2 pl-3 text-right font-medium">
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-stone-100">
          {channels.map((c) => (
            <tr key={c.channel} data-testid={`channel-${c.channel}`}>
              <th scope="row" className="py-2.5 font-medium text-stone-900">
                {channelLabel(c.channel)}
              </th>
              {counts.map((k) => (
                <td key={k.key} className="py-2.5 pl-3 text-right text-stone-700 tabular-nums">
                  {formatCount(c[k.key] as number)}
                </td>
              ))}
              {rates.map((k) => (
                <td key={k.key} className="py-2.5 pl-3 text-right font-medium text-stone-900 tabular-nums">
                  {formatPercent(c[k.key] as number | null)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="mt-3 text-xs text-stone-500">
        Each message counts once per stage, on the day it reached it. Delivery rate: delivered of sent; open and click
        rates: of delivered (a click counts as an open; SMS has no opens).
      </p>
    </div>
  );
}

/** Revenue, orders, average order value and revenue per person entered, from the journeys' goal revenue property. */
export function RevenueStats({ totals }: { totals: RevenueFigures }) {
  return (
    <div className="grid grid-cols-2 gap-4 md:grid-cols-4" data-testid="revenue-stats">
      <Stat
        label="Revenue"
        value={totals.revenue}
        money
        detail="orders' value, from the goal's revenue property"
        testId="stat-revenue"
      />
      <Stat label="Orders" value={totals.orders} detail="conversions with a revenue property" testId="stat-orders" />
      <Stat
        label="Average order value"
        value={totals.averageOrderValue}
        money
        detail="revenue per order"
        testId="stat-aov"
      />
      <Stat
        label="Revenue per person"
        value={totals.revenuePerEntered}
        money
        detail="revenue per person entered"
        testId="stat-revenue-per-person"
      />
    </div>
  );
}
