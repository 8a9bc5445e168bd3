import { Mail, SearchX } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { EmptyState } from "@/components/events/empty-state";
import { MessagesTable } from "@/components/messages/messages-table";
import { PageHeader } from "@/components/shell/page-header";
import { CHANNEL_OPTIONS } from "@/components/templates/channels";
import { buttonClass } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { AppError } from "@/lib/errors";
import { requirePageWorkspace } from "@/lib/http/page-auth";
import {
  broadcastsWithMessages,
  journeysWithMessages,
  listMessages,
  MESSAGE_CATEGORIES,
  MESSAGE_STATUSES,
} from "@/lib/messaging/messages";

export const metadata: Metadata = { title: "Messages" };

type Search = Record<string, string | string[] | undefined>;
const FILTERS = ["person", "journeyId", "broadcastId", "category", "channel", "status", "before"] as const;

export default async function MessagesPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Search>;
}) {
  const { slug } = await params;
  const search = await searchParams;
  const filters = Object.fromEntries(
    FILTERS.flatMap((key) => {
      const raw = search[key];
      const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
      return value ? [[key, value]] : [];
    }),
  ) as Partial<Record<(typeof FILTERS)[number], string>>;
  const query = new URLSearchParams(filters).toString();
  const { ctx } = await requirePageWorkspace(slug, `/w/${slug}/messages${query ? `?${query}` : ""}`);

  let problem: string | null = null;
  let result: Awaited<ReturnType<typeof listMessages>> = { messages: [], next: null };
  try {
    result = await listMessages(ctx, filters as never);
  } catch (error) {
    // A hand-edited address with a bad filter: say which, and show the form to fix it.
    if (!(error instanceof AppError)) throw error;
    problem = error.message;
  }
  const [journeys, broadcasts] = await Promise.all([journeysWithMessages(ctx), broadcastsWithMessages(ctx)]);
  const filtered = FILTERS.some((key) => key !== "before" && filters[key]);
  const olderHref = result.next
    ? `/w/${slug}/messages?${new URLSearchParams({ ...filters, before: result.next }).toString()}`
    : null;

  return (
    <>
      <PageHeader
        title="Messages"
        description="Every message your journeys, broadcasts and the send API decided to send: to whom, from where, and where it stands."
      />
      {result.messages.length === 0 && !filtered && !problem && !filters.before ? (
        <div className="mt-8">
          <EmptyState
            icon={Mail}
            heading="No messages yet"
            actions={
              <Link href={`/w/${slug}/journeys`} className={buttonClass("primary")}>
                Go to journeys
              </Link>
            }
          >
            <p>A message appears here when a live journey reaches an email, SMS, push or in-app step for someone.</p>
            <p>
              Each is rendered and sent through your channels (Settings → Channels; email goes to the Outbox until you
              set up SMTP), with deliveries, opens, clicks and bounces on its page.
            </p>
          </EmptyState>
        </div>
      ) : (
        <div className="mt-6 space-y-4">
          <form method="get" className="flex flex-wrap items-end gap-3" aria-label="Filter messages">
            <label className="flex flex-col gap-1 text-xs font-medium text-stone-600">
              Person
              <input
                name="person"
                defaultValue={filters.person ?? ""}
                placeholder="User id or email"
                className="w-56 rounded-md border border-stone-300 px-3 py-1.5 text-sm text-stone-900"
              />
            </label>
            <FilterSelect
              name="journeyId"
              label="Journey"
              value={filters.journeyId}
              all="All journeys"
              options={journeys.map((j) => [j.id, j.name])}
              wide
            />
            {broadcasts.length ? (
              <FilterSelect
                name="broadcastId"
                label="Broadcast"
                value={filters.broadcastId}
                all="All broadcasts"
                options={broadcasts.map((b) => [b.id, b.name])}
                wide
              />
            ) : null}
            <FilterSelect
              name="category"
              label="Category"
              value={filters.category}
              all="All categories"
              options={MESSAGE_CATEGORIES.map((c) => [c, c])}
            />
            <FilterSelect
              name="channel"
              label="Channel"
              value={filters.channel}
              all="All channels"
              options={[...CHANNEL_OPTIONS.map((c) => [c.value, c.label] as [string, string]), ["webhook", "Webhook"]]}
            />
            <FilterSelect
              name="status"
              label="Status"
              value={filters.status}
              all="Any status"
              options={MESSAGE_STATUSES.map((st) => [st, st.toLowerCase()])}
            />
            <button type="submit" className={buttonClass("secondary")}>
              Filter
            </button>
            {filtered ? (
              <Link href={`/w/${slug}/messages`} className="py-1.5 text-sm text-stone-600 hover:underline">
                Clear
              </Link>
            ) : null}
          </form>
          {problem ? (
            <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200">
              {problem}
            </p>
          ) : result.messages.length === 0 ? (
            <EmptyState icon={SearchX} heading="No message matches these filters">
              <p>Try another person, journey, broadcast, category, channel or status.</p>
            </EmptyState>
          ) : (
            <Card>
              <MessagesTable slug={slug} messages={result.messages} />
              {olderHref ? (
                <div className="mt-4 text-right">
                  <Link href={olderHref} className={buttonClass("secondary")}>
                    Older messages
                  </Link>
                </div>
              ) : null}
            </Card>
          )}
        </div>
      )}
    </>
  );
}

function FilterSelect({
  name,
  label,
  value,
  all,
  options,
  wide,
}: {
  name: string;
  label: string;
  value?: string;
  all: string;
  options: [string, string][];
  wide?: boolean;
}) {
  return (
    <label className="flex flex-col gap-1 text-xs font-medium text-stone-600">
      {label}
      <select
        name={name}
        defaultValue={value ?? ""}
        className={`${wide ? "w-56 " : ""}rounded-md border border-stone-300 px-2 py-1.5 text-sm text-stone-900`}
      >
        <option value="">{all}</option>
        {options.map(([optionValue, text]) => (
          <option key={optionValue} value={optionValue}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}
