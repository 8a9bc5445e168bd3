import type { JourneyStatsState } from "../hooks/use-journey-stats";
import { STATS_POLL_MS } from "../hooks/use-journey-stats";
import { formatCount } from "../journey-nodes";

const TIME = new Intl.DateTimeFormat(undefined, { timeStyle: "medium" });
const PERCENT = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 1 });

/** The journey's totals, in a slim bar under the top bar: refreshed with the node counts. */
export function LiveTotals({ stats, error }: JourneyStatsState) {
  if (!stats) return null;
  const { enrolled, active, waiting, converted, completed, exited, failed } = stats.totals;
  const n = (value: number) => value.toLocaleString();
  const rate = enrolled ? PERCENT.format(converted / enrolled) : null;
  const items: { key: string; label: string; value: number; title: string; extra?: string; muted?: boolean }[] = [
    {
      key: "enrolled",
      label: "enrolled",
      value: enrolled,
      title: `${n(enrolled)} entered this journey, across all its versions`,
    },
    {
      key: "active",
      label: "active",
      value: active,
      extra: waiting ? `${formatCount(waiting)} waiting` : undefined,
      title: `${n(active)} in the journey now: ${n(waiting)} waiting (a delay or an event), ${n(active - waiting)} being moved on`,
    },
    {
      key: "converted",
      label: "converted",
      value: converted,
      extra: rate ?? undefined,
      title: `${n(converted)} did the goal event while in the journey or within its attribution window${rate ? ` (${rate} of those enrolled)` : ""}`,
    },
    {
      key: "completed",
      label: "completed",
      value: completed,
      title: `${n(completed)} reached the end of a path`,
      muted: true,
    },
    {
      key: "exited",
      label: "exited",
      value: exited,
      title: `${n(exited)} left through an exit event, or because the journey was archived`,
      muted: true,
    },
    { key: "failed", label: "failed", value: failed, title: `${n(failed)} stopped by an error`, muted: true },
  ];
  return (
    <section
      aria-label="Live counts"
      className="flex h-9 shrink-0 items-center gap-4 overflow-x-auto border-b border-stone-200 bg-white px-4 text-xs whitespace-nowrap text-stone-600"
      data-testid="journey-totals"
    >
      <span
        className="flex items-center gap-1.5 font-medium text-stone-700"
        title={
          error
            ? `The counts could not be refreshed: ${error}`
            : `Refreshed every ${STATS_POLL_MS / 1000} seconds while this page is open`
        }
      >
        <span
          className={`h-2 w-2 rounded-full ${error ? "bg-amber-500" : "bg-brand-500 motion-safe:animate-pulse"}`}
          aria-hidden="true"
        />
        {error ? "Counts not refreshed" : "Live"}
      </span>
      <dl className="flex items-center gap-4">
        {items.map((item) => (
          <div
            key={item.key}
            className="flex flex-row-reverse items-baseline gap-1"
            title={item.title}
            data-total={item.key}
          >
            <dt className={item.muted ? "text-stone-500" : ""}>
              {item.label}
              {item.extra ? <span className="text-stone-400"> ({item.extra})</span> : null}
            </dt>
            <dd className={`tabular-nums ${item.muted ? "text-stone-700" : "font-semibold text-stone-900"}`}>
              {formatCount(item.value)}
            </dd>
          </div>
        ))}
      </dl>
      <span className="ml-auto text-stone-400">
        Updated <time dateTime={stats.generatedAt}>{TIME.format(new Date(stats.generatedAt))}</time>
      </span>
    </section>
  );
}
