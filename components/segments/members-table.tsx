"use client";

import { Search, UsersRound } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import type { SegmentMember } from "@/lib/segments/list-members";
import { EmptyState } from "../events/empty-state";
import { Button } from "../ui/button";
import { LocalTime } from "../ui/local-time";

/** A segment's members, newest entries first: searchable by user id or email, paged with "Older members →". */
export function MembersTable({
  slug,
  segmentId,
  members,
  q,
  paged,
  nextCursor,
}: {
  slug: string;
  segmentId: string;
  members: SegmentMember[];
  q: string;
  paged: boolean;
  nextCursor: string | null;
}) {
  const router = useRouter();
  const [search, setSearch] = useState(q);
  const base = `/w/${slug}/segments/${segmentId}`;
  const link = (params: Record<string, string>) => {
    const query = new URLSearchParams(params).toString();
    return `${base}${query ? `?${query}` : ""}#members`;
  };
  function onSearch(e: FormEvent) {
    e.preventDefault();
    router.push(link(search.trim() ? { q: search.trim() } : {}));
  }
  return (
    <div className="space-y-4">
      <form method="post" onSubmit={onSearch} role="search" className="flex items-center gap-2">
        <div className="relative">
          <Search className="pointer-events-none absolute top-2.5 left-3 h-4 w-4 text-stone-400" aria-hidden="true" />
          <input
            type="search"
            aria-label="Search members"
            placeholder="Start of a user id or email"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            className="block w-64 rounded-md border-0 bg-white py-2 pr-3 pl-9 text-sm text-stone-900 shadow-sm ring-1 ring-stone-300 outline-none ring-inset placeholder:text-stone-400 focus:ring-2 focus:ring-brand-600"
          />
        </div>
        <Button type="submit" variant="secondary">
          Search
        </Button>
        {q ? (
          <Link href={link({})} className="text-sm font-medium text-brand-700 hover:underline">
            Clear
          </Link>
        ) : null}
      </form>
      {members.length === 0 ? (
        q ? (
          <p className="text-sm text-stone-500">No member matches “{q}”.</p>
        ) : paged ? (
          <p className="text-sm text-stone-500">No older members.</p>
        ) : (
          <EmptyState icon={UsersRound} heading="Nobody is in this segment yet">
            <p>People appear here as soon as they match — when their events arrive, or after a recompute.</p>
          </EmptyState>
        )
      ) : (
        <table className="w-full text-left text-sm" data-testid="members">
          <thead className="text-xs tracking-wide text-stone-500 uppercase">
            <tr>
              <th className="py-2 font-medium">Person</th>
              <th className="py-2 font-medium">Email</th>
              <th className="py-2 font-medium">Member since</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-stone-100">
            {members.map((m) => (
              <tr key={m.profileId} data-testid="member">
                <td className="py-2.5">
                  <Link
                    href={`/w/${slug}/profiles/${m.profileId}`}
                    className="font-medium text-stone-900 hover:text-brand-700 hover:underline"
                  >
                    {m.userId ?? m.email ?? `Anonymous visitor ${m.profileId.slice(0, 8)}`}
                  </Link>
                </td>
                <td className="py-2.5 text-stone-600">{m.email ?? "—"}</td>
                <td className="py-2.5 text-stone-600">
                  <LocalTime iso={m.enteredAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {paged || nextCursor ? (
        <nav
          aria-label="Member pages"
          className="flex items-center justify-between border-t border-stone-100 pt-4 text-sm font-medium"
        >
          {paged ? (
            <Link href={link(q ? { q } : {})} className="text-brand-700 hover:underline">
              ← Newest members
            </Link>
          ) : (
            <span />
          )}
          {nextCursor ? (
            <Link href={link({ ...(q ? { q } : {}), cursor: nextCursor })} className="text-brand-700 hover:underline">
              Older members →
            </Link>
          ) : null}
        </nav>
      ) : null}
    </div>
  );
}
