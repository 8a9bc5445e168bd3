import type { Metadata } from "next";
import { preferencesOrInvalidPage, RecipientCard } from "@/components/recipient/recipient-card";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Message preferences", robots: { index: false } };

const TOPIC_GROUPS = [
  { category: "marketing", title: "News and offers" },
  { category: "transactional", title: "Account and order messages" },
] as const;

const LABELS = { email: "Email", sms: "Text messages (SMS)", push: "Push notifications" } as const;

/**
 * Per-channel and per-topic preferences for the person a message went to: a plain form, so it works without
 * JavaScript. Topics are grouped as the workspace set them up (marketing, transactional).
 */
export default async function PreferencesPage({
  params,
  searchParams,
}: {
  params: Promise<{ token: string }>;
  searchParams: Promise<{ saved?: string }>;
}) {
  const { token } = await params;
  const { saved } = await searchParams;
  const loaded = await preferencesOrInvalidPage(token);
  if (!loaded.ok) return loaded.page;
  const { preferences } = loaded;
  return (
    <RecipientCard sender={preferences.workspaceName} title="Your message preferences">
      {preferences.address ? <p>For {preferences.address}</p> : null}
      {saved ? (
        <p role="status" className="mt-3 rounded-md bg-emerald-50 px-3 py-2 text-emerald-800">
          Saved.
        </p>
      ) : null}
      <form method="post" action={`/api/v1/preferences/${encodeURIComponent(token)}`} className="mt-4 space-y-3">
        {preferences.topics.length ? <h2 className="pt-2 font-medium text-stone-900">Channels</h2> : null}
        {preferences.channels.map(({ channel, subscribed }) => (
          <label key={channel} className="flex items-center gap-3">
            <input
              type="checkbox"
              name={channel}
              defaultChecked={subscribed}
              className="h-4 w-4 rounded border-stone-300"
            />
            {LABELS[channel]}
          </label>
        ))}
        {TOPIC_GROUPS.map(({ category, title }) => {
          const topics = preferences.topics.filter((t) => t.category === category);
          if (!topics.length) return null;
          return (
            <fieldset key={category} className="space-y-3 pt-2">
              <legend className="font-medium text-stone-900">{title}</legend>
              {topics.map((topic) => (
                <label key={topic.key} className="flex items-start gap-3">
                  <input type="hidden" name="shown-topic" value={topic.key} />
                  <input
                    type="checkbox"
                    name={`topic:${topic.key}`}
                    defaultChecked={topic.subscribed}
                    className="mt-0.5 h-4 w-4 rounded border-stone-300"
                  />
                  <span>
                    {topic.name}
                    {topic.description ? <span className="block text-stone-500">{topic.description}</span> : null}
                  </span>
                </label>
              ))}
            </fieldset>
          );
        })}
        <button
          type="submit"
          className="mt-2 rounded-md bg-stone-900 px-4 py-2 text-sm font-medium text-white hover:bg-stone-700"
        >
          Save preferences
        </button>
      </form>
    </RecipientCard>
  );
}
