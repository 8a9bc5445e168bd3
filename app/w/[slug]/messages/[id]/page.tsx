import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { MessageContent } from "@/components/messages/message-view";
import { queuedBy, recipientName, stepName, templateName } from "@/components/messages/names";
import { STATUS_TONES } from "@/components/messages/messages-table";
import { PageHeader } from "@/components/shell/page-header";
import { CHANNEL_LABEL, type ChannelName } from "@/components/templates/channels";
import { Badge, Card } from "@/components/ui/card";
import { formatDateTime } from "@/components/ui/format";
import { AppError } from "@/lib/errors";
import { requirePageWorkspace } from "@/lib/http/page-auth";
import { getMessage, type MessageDetail } from "@/lib/messaging/messages";

export const metadata: Metadata = { title: "Message" };

const EVENT_LABELS: Record<string, string> = {
  queued: "Queued by the journey",
  delayed: "Delayed",
  retry: "Attempt failed, will retry",
  sent: "Sent",
  delivered: "Delivered",
  opened: "Opened",
  clicked: "Clicked",
  unsubscribed: "Unsubscribed",
  complained: "Marked as spam",
  bounced: "Bounced",
  failed: "Failed",
  suppressed: "Suppressed",
  dismissed: "Dismissed",
};

function describe(event: MessageDetail["timeline"][number]): string | null {
  const d = event.detail as Record<string, unknown>;
  if (event.type === "delayed") return `${String(d.reason)} — sends at ${formatDateTime(String(d.until))}`;
  if (event.type === "retry") return `Attempt ${String(d.attempt)} of ${String(d.of)}: ${String(d.reason)}`;
  if (event.type === "sent")
    return (
      [d.to ? `to ${String(d.to)}` : null, d.response ? String(d.response) : null].filter(Boolean).join(" · ") || null
    );
  if (event.type === "clicked") return String(d.url ?? "");
  if (event.type === "unsubscribed") return d.source ? `via ${String(d.source).replace("_", " ")}` : null;
  return typeof d.reason === "string" ? d.reason : typeof d.response === "string" ? d.response : null;
}

export default async function MessagePage({ params }: { params: Promise<{ slug: string; id: string }> }) {
  const { slug, id } = await params;
  const { ctx } = await requirePageWorkspace(slug, `/w/${slug}/messages/${id}`);
  let message: MessageDetail;
  try {
    message = await getMessage(ctx, id);
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  }
  const channel = CHANNEL_LABEL[message.channel as ChannelName] ?? message.channel;
  const person = recipientName(message);
  return (
    <>
      <PageHeader
        title={`${channel} to ${person}`}
        description={
          <>
            {message.journeyId ? (
              <>
                From{" "}
                <Link href={`/w/${slug}/journeys/${message.journeyId}`} className="text-brand-700 hover:underline">
                  {message.journeyName}
                </Link>
                {message.nodeId ? <> · step “{stepName(message)}”</> : null} ·{" "}
              </>
            ) : null}
            {message.broadcastId ? (
              <>
                From{" "}
                <Link href={`/w/${slug}/broadcasts/${message.broadcastId}`} className="text-brand-700 hover:underline">
                  {message.broadcastName ?? "a broadcast"}
                </Link>{" "}
                ·{" "}
              </>
            ) : null}
            {message.category === "transactional" ? <>Transactional (send API) · </> : null}
            template {templateName(message)}
          </>
        }
        actions={<Badge tone={STATUS_TONES[message.status] ?? "stone"}>{message.status.toLowerCase()}</Badge>}
      />
      {message.statusReason ? (
        <p
          role="status"
          className="mt-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200"
          data-testid="status-reason"
        >
          {message.statusReason}
        </p>
      ) : null}
      <div className="mt-6 grid gap-6 lg:grid-cols-[minmax(0,1fr)_22rem]">
        <Card
          title="As sent"
          description={
            message.content
              ? `To ${message.to ?? "—"}${message.provider ? ` · via ${message.provider === "outbox" ? "the embedded SMTP server (Outbox)" : message.provider}` : ""}`
              : undefined
          }
        >
          {message.content ? (
            <MessageContent message={message} />
          ) : (
            <p className="text-sm text-stone-600">
              Nothing was sent{message.status === "QUEUED" ? " yet" : ""}: the content is rendered at the moment of
              sending, for the person as they are then.
            </p>
          )}
        </Card>
        <Card title="Timeline">
          <ol className="space-y-4" data-testid="timeline">
            {message.timeline.map((event, i) => {
              const text = describe(event);
              return (
                <li key={i} className="relative pl-5" data-testid="timeline-event" data-type={event.type}>
                  <span className="absolute top-1.5 left-0 h-2 w-2 rounded-full bg-brand-500" />
                  <p className="text-sm font-medium text-stone-900">
                    {event.type === "queued" ? queuedBy(message) : (EVENT_LABELS[event.type] ?? event.type)}
                  </p>
                  <p className="text-xs text-stone-500">{formatDateTime(event.at)}</p>
                  {text ? <p className="mt-0.5 text-sm break-words text-stone-700">{text}</p> : null}
                </li>
              );
            })}
          </ol>
          {message.providerMessageId ? (
            <p className="mt-4 truncate text-xs text-stone-500" title={message.providerMessageId}>
              Provider id: {message.providerMessageId}
            </p>
          ) : null}
        </Card>
      </div>
    </>
  );
}
