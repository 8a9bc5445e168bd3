import { Badge } from "@/components/ui/card";
import { formatTimesInText, plural } from "@/components/ui/format";
import type { ProfileBestTime } from "@/lib/send-time/profile-best-time";

const SOURCE_WORDS = {
  own: "their own history",
  workspace: "the workspace's pattern",
  none: "no history yet",
} as const;

/** The profile page's "Best time to send": the hour a best-time step would choose now, and why, in their zone. */
export function ProfileBestTimeView({ best }: { best: ProfileBestTime }) {
  if (best.hour === null)
    return (
      <p className="text-sm text-stone-500" data-testid="profile-best-time">
        No engagement in this workspace yet: a best-time step sends at once until opens, clicks, visits or orders come
        in.
      </p>
    );
  return (
    <div className="space-y-2 text-sm" data-testid="profile-best-time">
      <div className="flex items-center justify-between gap-3">
        <span className="font-medium text-stone-900">{best.hour}</span>
        <Badge tone={best.source === "own" ? "brand" : "stone"}>{SOURCE_WORDS[best.source]}</Badge>
      </div>
      <p className="text-xs text-stone-500">
        {best.timeZone} · {plural(best.engagements, "engagement")} of their own
      </p>
      <p className="text-stone-700">{formatTimesInText(best.reason, { timeZone: best.timeZone })}.</p>
    </div>
  );
}
