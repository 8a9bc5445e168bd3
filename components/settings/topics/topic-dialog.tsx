"use client";

import { useState, type FormEvent } from "react";
import type { TopicWithCounts } from "@/lib/topics/manage-topics";
import { api } from "../../api/client";
import { Button } from "../../ui/button";
import { Dialog } from "../../ui/dialog";
import { FormAlert, SelectField, TextField } from "../../ui/field";
import { useApiForm } from "../../ui/use-api-form";

/** What each choice means, in one sentence each (shown beside the choice and on the list). */
export const CATEGORY_WORDS = {
  marketing:
    "Marketing: news and offers; the channel's marketing consent applies too, so leaving the channel stops these as well.",
  transactional:
    "Transactional: messages people expect (shipping updates, account alerts); only this topic's unsubscribe stops them, never the channel's marketing one.",
} as const;
export const DEFAULT_WORDS = {
  subscribed: "Opt-out: everyone gets it until they unsubscribe.",
  unsubscribed: "Opt-in: only people who chose it on the preference page or through the API get it.",
} as const;

/** "e.g. Product news" → "product-news": a key suggested from the name until the admin types their own. */
function keyFrom(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 64);
}

/** Create a topic, or edit one (its key and category stay: sent messages and API callers name them). */
export function TopicDialog({
  slug,
  topic,
  onClose,
  onSaved,
}: {
  slug: string;
  topic: TopicWithCounts | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  const [name, setName] = useState(topic?.name ?? "");
  const [key, setKey] = useState(topic?.key ?? "");
  const [keyTouched, setKeyTouched] = useState(false);
  const [description, setDescription] = useState(topic?.description ?? "");
  const [category, setCategory] = useState<"marketing" | "transactional">(topic?.category ?? "marketing");
  const [defaultStatus, setDefaultStatus] = useState<"subscribed" | "unsubscribed">(
    topic?.defaultStatus ?? "subscribed",
  );
  const { pending, formError, fieldErrors, submit } = useApiForm();

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const saved = topic
      ? await submit(api.topics.update(slug, topic.id, { name, description, defaultStatus }))
      : await submit(api.topics.create(slug, { key, name, description, category, defaultStatus }));
    if (saved) onSaved();
  }

  return (
    <Dialog
      title={topic ? `Edit “${topic.name}”` : "New subscription topic"}
      description="What people can unsubscribe from on its own, listed on their preference page."
      onClose={onClose}
    >
      <form method="post" onSubmit={onSubmit} className="space-y-4" noValidate>
        <FormAlert message={formError} />
        <TextField
          label="Name"
          placeholder="e.g. Product news"
          value={name}
          onChange={(e) => {
            setName(e.target.value);
            if (!topic && !keyTouched) setKey(keyFrom(e.target.value));
          }}
          error={fieldErrors.name}
          maxLength={80}
          autoFocus
        />
        <TextField
          label="Key"
          hint="What the API names it: POST /api/v1/send takes it as topic. It cannot change later."
          value={key}
          onChange={(e) => {
            setKey(e.target.value);
            setKeyTouched(true);
          }}
          error={fieldErrors.key}
          disabled={!!topic}
          maxLength={64}
          data-testid="topic-key"
        />
        <TextField
          label="Description (shown on the preference page)"
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          error={fieldErrors.description}
          maxLength={500}
        />
        <SelectField
          label="Category"
          value={category}
          onChange={(e) => setCategory(e.target.value as typeof category)}
          hint={CATEGORY_WORDS[category]}
          error={fieldErrors.category}
          disabled={!!topic}
        >
          <option value="marketing">Marketing</option>
          <option value="transactional">Transactional</option>
        </SelectField>
        <SelectField
          label="Who gets it"
          value={defaultStatus}
          onChange={(e) => setDefaultStatus(e.target.value as typeof defaultStatus)}
          hint={DEFAULT_WORDS[defaultStatus]}
          error={fieldErrors.defaultStatus}
        >
          <option value="subscribed">Everyone until they leave (opt-out)</option>
          <option value="unsubscribed">Only who opts in (opt-in)</option>
        </SelectField>
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" disabled={pending}>
            {topic ? "Save" : "Create topic"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
