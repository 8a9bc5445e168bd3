import { UsersRound } from "lucide-react";
import Link from "next/link";
import type { ProfileSegment } from "@/lib/segments/list-profile-segments";
import { Badge } from "../ui/card";
import { formatDateTime } from "../ui/format";

/** On a profile page: the segments the person is in now, and since when. */
export function ProfileSegments({ slug, segments }: { slug: string; segments: ProfileSegment[] }) {
  if (!segments.length) {
    return (
      <p className="flex items-center gap-2 text-sm text-stone-500">
        <UsersRound className="h-4 w-4 text-stone-400" aria-hidden="true" /> Not in any segment right now.
      </p>
    );
  }
  return (
    <ul className="divide-y divide-stone-100" data-testid="profile-segments">
      {segments.map((s) => (
        <li key={s.segmentId} className="flex flex-wrap items-center justify-between gap-2 py-2.5 text-sm">
          <span className="flex items-center gap-2">
            <Link
              href={`/w/${slug}/segments/${s.segmentId}`}
              className="font-medium text-stone-900 hover:text-brand-700 hover:underline"
            >
              {s.name}
            </Link>
            <Badge tone={s.kind === "manual" ? "amber" : "brand"}>{s.kind === "manual" ? "Manual" : "Dynamic"}</Badge>
          </span>
          <span className="text-stone-500">since {formatDateTime(s.enteredAt)}</span>
        </li>
      ))}
    </ul>
  );
}
