"use client";

import { Plus } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { TopicWithCounts } from "@/lib/topics/manage-topics";
import { api } from "../../api/client";
import { Button } from "../../ui/button";
import { Badge, Card } from "../../ui/card";
import { FormAlert } from "../../ui/field";
import { plural } from "../../ui/format";
import { CATEGORY_WORDS, DEFAULT_WORDS, TopicDialog } from "./topic-dialog";

/**
 * Settings → Subscription topics: the workspace's topics with how many people left (or joined) each; admins create,
 * edit and archive them. Archived topics stay listed: people's choices for them still hold for queued messages.
 */
export function TopicsPanel({
  slug,
  topics,
  canManage,
}: {
  slug: string;
  topics: TopicWithCounts[];
  canManage: boolean;
}) {
  const router = useRouter();
  const [editing, setEditing] = useState<TopicWithCounts | "new" | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function archive(topic: TopicWithCounts) {
    if (!confirm(`Archive “${topic.name}”? New sends cannot choose it; who left it stays out of queued messages.`))
      return;
    const result = await api.topics.archive(slug, topic.id);
    if (result.ok) router.refresh();
    else setError(result.error.message);
  }

  return (
    <Card
      title="Subscription topics"
      description="Let people leave “Product news” but keep “Order updates”. A message with a topic is not sent to people who left it, and its unsubscribe link leaves only that topic."
      actions={
        canManage ? (
          <Button onClick={() => setEditing("new")}>
            <Plus className="h-4 w-4" aria-hidden="true" />
            New topic
          </Button>
        ) : null
      }
    >
      <FormAlert message={error} />
      <ul className="mb-4 space-y-1 text-sm text-stone-600">
        <li>{CATEGORY_WORDS.marketing}</li>
        <li>{CATEGORY_WORDS.transactional}</li>
        <li>
          {DEFAULT_WORDS.subscribed} {DEFAULT_WORDS.unsubscribed}
        </li>
      </ul>
      {topics.length ? (
        <table className="w-full text-left text-sm" data-testid="topics-table">
          <thead className="text-xs uppercase tracking-wide text-stone-500">
            <tr>
              <th className="py-2 font-medium">Topic</th>
              <th className="py-2 font-medium">Category</th>
              <th className="py-2 font-medium">Who gets it</th>
              <th className="py-2 text-right font-medium">People</th>
              {canManage ? <th className="py-2" /> : null}
            </tr>
          </thead>
          <tbody className="divide-y divide-stone-100">
            {topics.map((topic) => (
              <tr key={topic.id} className={topic.archivedAt ? "text-stone-400" : undefined}>
                <td className="py-2.5">
                  <div className="font-medium text-stone-900">
                    {topic.name} {topic.archivedAt ? <Badge>Archived</Badge> : null}
                  </div>
                  <code className="text-xs text-stone-500">{topic.key}</code>
                </td>
                <td className="py-2.5">{topic.category === "marketing" ? "Marketing" : "Transactional"}</td>
                <td className="py-2.5">{topic.defaultStatus === "subscribed" ? "Opt-out" : "Opt-in"}</td>
                <td className="py-2.5 text-right tabular-nums">
                  {topic.defaultStatus === "subscribed"
                    ? `${plural(topic.unsubscribedCount, "person", "people")} unsubscribed`
                    : `${plural(topic.subscribedCount, "person", "people")} opted in, ${topic.unsubscribedCount} unsubscribed`}
                </td>
                {canManage ? (
                  <td className="py-2.5 text-right whitespace-nowrap">
                    {topic.archivedAt ? null : (
                      <>
                        <Button variant="ghost" onClick={() => setEditing(topic)}>
                          Edit
                        </Button>
                        <Button variant="ghost" onClick={() => archive(topic)}>
                          Archive
                        </Button>
                      </>
                    )}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="text-sm text-stone-500">
          No topics yet. Without topics, an unsubscribe link leaves the channel&apos;s marketing as a whole.
        </p>
      )}
      {editing ? (
        <TopicDialog
          slug={slug}
          topic={editing === "new" ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            router.refresh();
          }}
        />
      ) : null}
    </Card>
  );
}
