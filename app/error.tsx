"use client";

import { Button } from "@/components/ui/button";

/** Shown when a page fails on the server; the digest matches the server log line. */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="max-w-md rounded-xl bg-white p-8 shadow-sm ring-1 ring-stone-200">
        <h1 className="text-lg font-semibold text-stone-900">This page failed to load</h1>
        <p className="mt-2 text-sm text-stone-600">
          Cairn hit an unexpected error. Nothing you entered was lost.{" "}
          {error.digest ? (
            <>
              Reference for the server log: <code className="font-mono">{error.digest}</code>.
            </>
          ) : null}
        </p>
        <Button className="mt-5" onClick={reset}>
          Try again
        </Button>
      </div>
    </main>
  );
}
