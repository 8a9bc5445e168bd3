import type { Metadata } from "next";
import { preferencesOrInvalidPage, RecipientCard } from "@/components/recipient/recipient-card";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Unsubscribe", robots: { index: false } };

/**
 * The unsubscribe link in a message. It asks before it acts (a button, a POST): mail security scanners
 * open every link in a message, and a GET that unsubscribed would unsubscribe people who never asked.
 */
export default async function UnsubscribePage({
  params,
  searchParams,
}: {
  params: Promise<{ token: string }>;
  searchParams: Promise<{ done?: string }>;
}) {
  const { token } = await params;
  const { done } = await searchParams;
  const loaded = await preferencesOrInvalidPage(token);
  if (!loaded.ok) return loaded.page;
  const { preferences } = loaded;
  const href = `/preferences/${encodeURIComponent(token)}`;
  const action = `/api/v1/unsubscribe/${encodeURIComponent(token)}`;
  const channelWords = CHANNEL_WORDS[preferences.channel];
  const who = preferences.address ? <strong>{preferences.address}</strong> : "You";
  if (done) {
    // a message of a topic left only its topic: the wider choice, all of the channel's marketing, is one button away
    const leftTopic = done === "topic" && preferences.topic;
    return (
      <RecipientCard sender={preferences.workspaceName} title="You are unsubscribed">
        <p>
          {leftTopic ? (
            <>
              You will no longer get <strong>{preferences.topic!.name}</strong>.
            </>
          ) : (
            <>{who} will not get these messages any more.</>
          )}
        </p>
        {leftTopic ? (
          <form method="post" action={action} className="mt-4">
            <input type="hidden" name="from" value="page" />
            <input type="hidden" name="scope" value="channel" />
            <button type="submit" className="text-brand-700 hover:underline">
              Unsubscribe from all {channelWords} marketing
            </button>
          </form>
        ) : null}
        <p className="mt-4">
          <a className="font-medium text-brand-700 hover:underline" href={href}>
            Manage all your preferences
          </a>
        </p>
      </RecipientCard>
    );
  }
  return (
    <RecipientCard sender={preferences.workspaceName} title="Unsubscribe?">
      <p>
        {preferences.topic ? (
          <>
            Stop <strong>{preferences.topic.name}</strong>
          </>
        ) : (
          "Stop these messages"
        )}
        {preferences.address ? (
          <>
            {" "}
            to <strong>{preferences.address}</strong>
          </>
        ) : null}
        .
      </p>
      <form method="post" action={action} className="mt-6 flex items-center gap-4">
        <input type="hidden" name="from" value="page" />
        <button
          type="submit"
          className="rounded-md bg-stone-900 px-4 py-2 text-sm font-medium text-white hover:bg-stone-700"
        >
          Unsubscribe
        </button>
        <a className="text-brand-700 hover:underline" href={href}>
          Choose what you get instead
        </a>
      </form>
    </RecipientCard>
  );
}

const CHANNEL_WORDS: Record<string, string> = {
  email: "email",
  sms: "text message",
  push: "push notification",
  in_app: "in-app",
};
