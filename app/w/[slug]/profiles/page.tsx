import { SearchX, Users } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { EmptyState } from "@/components/events/empty-state";
import { ProfileSearch } from "@/components/profiles/profile-search";
import { ProfilesTable } from "@/components/profiles/profiles-table";
import { PageHeader } from "@/components/shell/page-header";
import { buttonClass } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { requirePageWorkspace } from "@/lib/http/page-auth";
import { searchProfiles } from "@/lib/profiles/profiles";

export const metadata: Metadata = { title: "Profiles" };

const LIMIT = 50;

export default async function ProfilesPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<{ q?: string | string[] }>;
}) {
  const { slug } = await params;
  const raw = (await searchParams).q;
  const q = (Array.isArray(raw) ? raw[0] : raw)?.trim().slice(0, 200) ?? "";
  const { ctx } = await requirePageWorkspace(slug, `/w/${slug}/profiles${q ? `?q=${encodeURIComponent(q)}` : ""}`);
  const profiles = await searchProfiles(ctx, { q: q || undefined, limit: LIMIT });

  return (
    <>
      <PageHeader
        title="Profiles"
        description="One profile per person, built from the events and identify calls your apps send."
      />
      {profiles.length === 0 && !q ? (
        <div className="mt-8">
          <EmptyState
            icon={Users}
            heading="No profiles yet"
            actions={
              <Link href={`/w/${slug}/settings/sources`} className={buttonClass("primary")}>
                Send your first event
              </Link>
            }
          >
            <p>
              A profile appears as soon as your website, app or server sends its first event: every user id and
              anonymous id becomes a person here, and identify calls add their email and traits.
            </p>
            <p>Settings → Sources shows how to send one with a write API key, or how to connect a webhook.</p>
          </EmptyState>
        </div>
      ) : (
        <div className="mt-6 space-y-4">
          <ProfileSearch slug={slug} q={q} />
          {profiles.length === 0 ? (
            <EmptyState icon={SearchX} heading={`No profile matches “${q}”`}>
              <p>
                Search looks for an exact user id or anonymous id, an email address starting with what you typed, or a
                trait value containing it. Check the spelling, or search for part of an email or name.
              </p>
            </EmptyState>
          ) : (
            <Card
              title={q ? "Matching profiles" : "Recently seen"}
              description={
                profiles.length === LIMIT
                  ? `The ${LIMIT} most recently seen ${q ? "matches" : "people"}. Search to find someone else.`
                  : `${profiles.length} ${profiles.length === 1 ? "person" : "people"}, most recently seen first.`
              }
            >
              <ProfilesTable slug={slug} profiles={profiles} />
            </Card>
          )}
        </div>
      )}
    </>
  );
}
