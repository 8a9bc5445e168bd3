import Link from "next/link";
import type { MessageRow } from "@/lib/messaging/messages";
import { CHANNEL_LABEL, type ChannelName } from "../templates/channels";
import { Badge } from "../ui/card";
import { formatDateTime } from "../ui/format";
import { recipientName, stepName, templateName } from "./names";

export const STATUS_TONES: Record<string, "stone" | "brand" | "amber" | "red"> = {
  QUEUED: "amber",
  SENT: "brand",
  DELIVERED: "brand",
  BOUNCED: "red",
  FAILED: "red",
  SUPPRESSED: "stone",
  CANCELLED: "stone",
};

export function MessagesTable({ slug, messages }: { slug: string; messages: MessageRow[] }) {
  return (
    <table className="w-full table-fixed text-left text-sm" data-testid="messages">
      <colgroup>
        <col className="w-[22%]" />
        <col className="w-24" />
        <col />
        <col className="w-[18%]" />
        <col className="w-28" />
        <col className="w-48" />
      </colgroup>
      <thead className="text-xs tracking-wide text-stone-500 uppercase">
        <tr>
          <th className="py-2 font-medium">Person</th>
          <th className="py-2 pl-4 font-medium">Channel</th>
          <th className="py-2 pl-4 font-medium">Source</th>
          <th className="py-2 pl-4 font-medium">Template</th>
          <th className="py-2 pl-4 font-medium">Status</th>
          <th className="py-2 pl-4 font-medium">Queued</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-stone-100">
        {messages.map((m) => (
          <tr key={m.id} data-testid="message-row" className="align-top hover:bg-stone-50/70">
            <td className="py-3">
              {m.profileId ? (
                <Link
                  href={`/w/${slug}/profiles/${m.profileId}`}
                  className="block truncate font-medium text-brand-700 hover:underline"
                  title={m.email ?? m.userId ?? "Anonymous: no user id or email yet"}
                >
                  {recipientName(m)}
                </Link>
              ) : (
                // a transactional message to an address that is no one's profile
                <span className="block truncate font-medium text-stone-800" title="An address of no profile">
                  {recipientName(m)}
                </span>
              )}
              {m.email && m.userId ? <span className="block truncate text-xs text-stone-500">{m.email}</span> : null}
            </td>
            <td className="py-3 pl-4 text-stone-700">
              {CHANNEL_LABEL[m.channel as ChannelName] ?? (m.channel === "webhook" ? "Webhook" : m.channel)}
              {m.category === "transactional" ? (
                <span className="mt-1 block" data-testid="category">
                  <Badge tone="stone">transactional</Badge>
                </span>
              ) : null}
            </td>
            <td className="truncate py-3 pl-4">
              {m.broadcastId ? (
                <Link
                  href={`/w/${slug}/broadcasts/${m.broadcastId}`}
                  className="text-stone-800 hover:underline"
                  title={m.broadcastName ?? undefined}
                >
                  {m.broadcastName ?? "a broadcast"}
                </Link>
              ) : m.category === "transactional" ? (
                <span className="text-stone-600">Send API</span>
              ) : m.journeyId ? (
                <Link
                  href={`/w/${slug}/journeys/${m.journeyId}`}
                  className="text-stone-800 hover:underline"
                  title={m.journeyName ?? undefined}
                >
                  {m.journeyName}
                </Link>
              ) : (
                <span className="text-stone-400">—</span>
              )}
              {m.nodeId ? <span className="text-stone-500"> · {stepName(m)}</span> : null}
            </td>
            <td className="truncate py-3 pl-4 text-stone-700" title={templateName(m)}>
              {m.templateName ?? <span className="text-stone-500 italic">{templateName(m)}</span>}
            </td>
            <td className="py-3 pl-4">
              <Link
                href={`/w/${slug}/messages/${m.id}`}
                title={m.statusReason ?? "Open the message"}
                className="hover:opacity-80"
              >
                <Badge tone={STATUS_TONES[m.status] ?? "stone"}>{m.status.toLowerCase()}</Badge>
              </Link>
              {m.statusReason ? (
                <span className="mt-1 block truncate text-xs text-stone-500">{m.statusReason}</span>
              ) : null}
            </td>
            <td className="py-3 pl-4 whitespace-nowrap text-stone-600">
              <Link href={`/w/${slug}/messages/${m.id}`} className="hover:underline">
                {formatDateTime(m.createdAt)}
              </Link>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
