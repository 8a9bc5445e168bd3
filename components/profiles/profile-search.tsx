import { Search } from "lucide-react";
import Link from "next/link";
import { Button } from "../ui/button";

/** A plain GET form (?q=), so a search has an address and works before any script loads. */
export function ProfileSearch({ slug, q }: { slug: string; q: string }) {
  return (
    <form method="get" action={`/w/${slug}/profiles`} role="search" className="flex flex-wrap items-center gap-2">
      <label htmlFor="profile-search" className="sr-only">
        Search profiles
      </label>
      <div className="relative w-full max-w-xl min-w-0 flex-1">
        <Search
          className="pointer-events-none absolute top-1/2 left-3 h-4 w-4 -translate-y-1/2 text-stone-400"
          aria-hidden="true"
        />
        <input
          id="profile-search"
          type="search"
          name="q"
          defaultValue={q}
          maxLength={200}
          placeholder="User id, anonymous id, email or trait value"
          aria-describedby="profile-search-hint"
          className="block w-full rounded-md border-0 bg-white py-2 pr-3 pl-9 text-sm text-stone-900 shadow-sm ring-1 ring-stone-300 outline-none ring-inset placeholder:text-stone-400 focus:ring-2 focus:ring-brand-600 focus:ring-inset"
        />
      </div>
      <Button type="submit" variant="secondary">
        Search
      </Button>
      {q ? (
        <Link
          href={`/w/${slug}/profiles`}
          className="rounded-md px-2 py-2 text-sm font-medium text-stone-600 hover:text-stone-900 hover:underline"
        >
          Clear
        </Link>
      ) : null}
      <p id="profile-search-hint" className="w-full text-xs text-stone-500">
        Exact user or anonymous id, the start of an email address, or any part of a trait value.
      </p>
    </form>
  );
}
