import Link from "next/link";
import type { ProfileSummary } from "@/lib/profiles/profiles";
import { formatDateTime } from "../ui/format";

const SHOWN_ANONYMOUS_IDS = 2;

export function ProfilesTable({ slug, profiles }: { slug: string; profiles: ProfileSummary[] }) {
  return (
    <table className="w-full table-fixed text-left text-sm" data-testid="profiles">
      <colgroup>
        <col className="w-[28%]" />
        <col className="w-[26%]" />
        <col />
        <col className="w-52" />
      </colgroup>
      <thead className="text-xs tracking-wide text-stone-500 uppercase">
        <tr>
          <th className="py-2 font-medium">Person</th>
          <th className="py-2 pl-4 font-medium">Email</th>
          <th className="py-2 pl-4 font-medium">Anonymous ids</th>
          <th className="py-2 pl-4 font-medium">Last seen</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-stone-100">
        {profiles.map((profile) => {
          const extra = profile.anonymousIds.length - SHOWN_ANONYMOUS_IDS;
          return (
            <tr key={profile.id} data-testid="profile-row" className="align-top hover:bg-stone-50/70">
              <td className="py-3">
                <Link
                  href={`/w/${slug}/profiles/${profile.id}`}
                  className={`block truncate font-medium hover:underline ${profile.userId ? "text-brand-700" : "text-stone-500 italic"}`}
                  title={profile.userId ?? undefined}
                >
                  {profile.userId ?? "Anonymous"}
                </Link>
              </td>
              <td className="truncate py-3 pl-4 text-stone-700" title={profile.email ?? undefined}>
                {profile.email ?? <span className="text-stone-400">—</span>}
              </td>
              <td className="py-3 pl-4">
                {profile.anonymousIds.length === 0 ? (
                  <span className="text-stone-400">—</span>
                ) : (
                  <ul className="space-y-0.5 font-mono text-xs text-stone-600">
                    {profile.anonymousIds.slice(0, SHOWN_ANONYMOUS_IDS).map((id) => (
                      <li key={id} className="truncate" title={id}>
                        {id}
                      </li>
                    ))}
                    {extra > 0 ? <li className="font-sans text-stone-400">+{extra} more</li> : null}
                  </ul>
                )}
              </td>
              <td className="py-3 pl-4 whitespace-nowrap text-stone-600">{formatDateTime(profile.lastSeenAt)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
