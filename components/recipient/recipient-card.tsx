import type { ReactElement, ReactNode } from "react";
import { AppError } from "@/lib/errors";
import { getPreferences, type Preferences } from "@/lib/messaging/engagement";

/** The frame of the pages a message's recipient sees (unsubscribe, preferences): the sender's name, not Cairn's. */
export function RecipientCard({
  sender,
  title,
  children,
}: {
  sender: string | null;
  title: string;
  children: ReactNode;
}) {
  return (
    <main className="flex min-h-screen items-center justify-center bg-stone-50 px-4 py-12">
      <div className="w-full max-w-md rounded-xl bg-white p-8 shadow-sm ring-1 ring-stone-200">
        {sender ? <p className="text-xs font-medium uppercase tracking-wide text-stone-500">{sender}</p> : null}
        <h1 className="mt-1 text-xl font-semibold text-stone-900">{title}</h1>
        <div className="mt-4 text-sm text-stone-700">{children}</div>
      </div>
    </main>
  );
}

/** The person's preferences behind a message link, or the page that says the link is not valid. */
export async function preferencesOrInvalidPage(
  token: string,
): Promise<{ ok: true; preferences: Preferences } | { ok: false; page: ReactElement }> {
  try {
    return { ok: true, preferences: await getPreferences(token) };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return {
      ok: false,
      page: (
        <RecipientCard sender={null} title="This link is not valid">
          <p>{error.message}</p>
        </RecipientCard>
      ),
    };
  }
}
