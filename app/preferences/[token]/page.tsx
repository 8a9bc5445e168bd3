import type { Metadata } from "next";
import { preferencesOrInvalidPage, RecipientCard } from "@/components/recipient/recipient-card";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Message preferences", robots: { index: false } };

const LABELS = { email: "Email", sms: "Text messages (SMS)", push: "Push notifications" } as const;

/** Per-channel preferences for the person a message went to: a plain form, so it works without JavaScript. */
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
