import { Inbox } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { EmptyState } from "@/components/events/empty-state";
import { PageHeader } from "@/components/shell/page-header";
import { buttonClass } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { formatDateTime } from "@/components/ui/format";
import { AppError } from "@/lib/errors";
import { requirePageWorkspace } from "@/lib/http/page-auth";
import { listOutbox } from "@/lib/messaging/outbox";

export const metadata: Metadata = { title: "Outbox" };

export default async function OutboxPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<{ q?: string; before?: string }>;
}) {
  const { slug } = await params;
  const { q, before } = await searchParams;
  const { ctx } = await requirePageWorkspace(slug, `/w/${slug}/outbox`);
  let problem: string | null = null;
  let result: Awaited<ReturnType<typeof listOutbox>> = { mails: [], next: null };
  try {
    result = await listOutbox(ctx, { q: q || undefined, before: before || undefined });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    problem = error.message;
  }
  return (
    <>
      <PageHeader
        title="Outbox"
        description="Email caught by Cairn's embedded SMTP server: where mail goes until you connect your own SMTP server in Settings → Channels, and where test sends land. Nothing here reached a real inbox."
      />
      {!result.mails.length && !q && !before && !problem ? (
        <div className="mt-8">
          <EmptyState
            icon={Inbox}
            heading="The Outbox is empty"
            actions={
              <Link href={`/w/${slug}/templates`} className={buttonClass("primary")}>
                Go to templates
              </Link>
            }
          >
            <p>
              Send a test from an email template, or publish a journey with an email step: the mail shows here as its
              recipient would get it, headers included.
            </p>
          </EmptyState>
        </div>
      ) : (
        <div className="mt-6 space-y-4">
          <form method="get" className="flex items-end gap-3" aria-label="Search the Outbox">
            <label className="flex flex-col gap-1 text-xs font-medium text-stone-600">
              Search
              <input
                name="q"
                defaultValue={q ?? ""}
                placeholder="Recipient or subject"
                className="w-72 rounded-md border border-stone-300 px-3 py-1.5 text-sm text-stone-900"
              />
            </label>
            <button type="submit" className={buttonClass("secondary")}>
              Search
            </button>
          </form>
          {problem ? (
            <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200">
              {problem}
            </p>
          ) : (
            <Card>
              {result.mails.length ? (
                <table className="w-full table-fixed text-left text-sm" data-testid="outbox">
                  <thead className="text-xs tracking-wide text-stone-500 uppercase">
                    <tr>
                      <th className="w-[28%] py-2 font-medium">To</th>
                      <th className="py-2 pl-4 font-medium">Subject</th>
                      <th className="w-48 py-2 pl-4 font-medium">Received</th>
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-stone-100">
                    {result.mails.map((mail) => (
                      <tr key={mail.id} className="hover:bg-stone-50/70" data-testid="outbox-row">
                        <td className="truncate py-3 text-stone-800">{mail.to.join(", ")}</td>
                        <td className="truncate py-3 pl-4">
                          <Link
                            href={`/w/${slug}/outbox/${mail.id}`}
                            className="font-medium text-brand-700 hover:underline"
                          >
                            {mail.subject || "(no subject)"}
                          </Link>
                        </td>
                        <td className="py-3 pl-4 whitespace-nowrap text-stone-600">
                          {formatDateTime(mail.receivedAt)}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : (
                <p className="text-sm text-stone-600">No mail matches “{q}”.</p>
              )}
              {result.next ? (
                <div className="mt-4 text-right">
                  <Link
                    href={`/w/${slug}/outbox?${new URLSearchParams({ ...(q ? { q } : {}), before: result.next })}`}
                    className={buttonClass("secondary")}
                  >
                    Older mail
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
