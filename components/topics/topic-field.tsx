"use client";

import Link from "next/link";
import { useEffect, useId, useState } from "react";
import { api } from "../api/client";

interface TopicOption {
  id: string;
  name: string;
  category: "marketing" | "transactional";
  archived: boolean;
}

/**
 * A broadcast's or a journey message step's subscription topic (Settings → Subscription topics): people who left
 * it, or never joined an opt-in one, are not sent the message, and its unsubscribe link leaves the topic rather than
 * the whole channel. Archived topics cannot be chosen; a draft that still has one shows it, marked, until it is
 * changed.
 */
export function TopicField({
  slug,
  value,
  error,
  readOnly,
  onChange,
  testId = "broadcast-topic",
}: {
  slug: string;
  /** the topic's id, "" for none */
  value: string;
  error?: string;
  readOnly: boolean;
  onChange: (topicId: string) => void;
  testId?: string;
}) {
  const id = useId();
  const [topics, setTopics] = useState<TopicOption[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void api.topics.list(slug).then((result) => {
      if (!live) return;
      if (result.ok)
        setTopics(
          result.data.topics.map((t) => ({ id: t.id, name: t.name, category: t.category, archived: !!t.archivedAt })),
        );
      else setLoadError(result.error.message);
    });
    return () => {
      live = false;
    };
  }, [slug]);
  const choosable = (topics ?? []).filter((t) => !t.archived || t.id === value);
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="block text-sm font-medium text-stone-800">
        Subscription topic
      </label>
      <select
        id={id}
        value={value}
        disabled={readOnly || topics === null}
        onChange={(e) => onChange(e.target.value)}
        className="block w-full max-w-md rounded-md border-0 py-1.5 pr-8 pl-2 text-sm ring-1 ring-stone-300 ring-inset"
        data-testid={testId}
      >
        <option value="">None: the channel&apos;s marketing consent only</option>
        {(["marketing", "transactional"] as const).map((category) => {
          const group = choosable.filter((t) => t.category === category);
          return group.length ? (
            <optgroup key={category} label={category === "marketing" ? "Marketing" : "Transactional"}>
              {group.map((t) => (
                <option key={t.id} value={t.id} disabled={t.archived}>
                  {t.archived ? `${t.name} (archived)` : t.name}
                </option>
              ))}
            </optgroup>
          ) : null;
        })}
      </select>
      <p className="text-xs text-stone-500">
        People who left the topic are skipped, and the unsubscribe link leaves only this topic.{" "}
        <Link href={`/w/${slug}/settings/topics`} className="text-brand-700 hover:underline">
          Manage topics
        </Link>
      </p>
      {error || loadError ? (
        <p role="alert" className="text-sm text-red-700">
          {error ?? loadError}
        </p>
      ) : null}
    </div>
  );
}
