import { ArrowLeft, History } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { EmptyState } from "@/components/events/empty-state";
import { EventTimeline } from "@/components/profiles/event-timeline";
import { ProfileFacts } from "@/components/profiles/profile-facts";
import { ProfileBestTimeView } from "@/components/profiles/profile-best-time";
import { ProfileJourneys } from "@/components/profiles/profile-journeys";
import { ProfilePredictions } from "@/components/predictions/profile-predictions";
import { ProfileSegments } from "@/components/segments/profile-segments";
import { TraitsTable } from "@/components/profiles/traits-table";
import { PageHeader } from "@/components/shell/page-header";
import { Card } from "@/components/ui/card";
import { profileJourneys } from "@/lib/engine/read-model";
import { AppError } from "@/lib/errors";
import { requirePageWorkspace } from "@/lib/http/page-auth";
import { listWebhookSources } from "@/lib/ingest/webhook-sources";
import { pathTemplates } from "@/lib/profiles/path-templates";
import { predictionsOfProfile } from "@/lib/predictions/store/profile-predictions";
import { getProfile, listProfileEvents, type ProfileDetail } from "@/lib/profiles/profiles";
import { listProfileSegments } from "@/lib/segments/list-profile-segments";
import { bestTimeOfProfile } from "@/lib/send-time/profile-best-time";

export const metadata: Metadata = { title: "Profile" };

const PAGE_SIZE = 50;

export default async function ProfilePage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string; profileId: string }>;
  searchParams: Promise<{ before?: string | string[] }>;
}) {
  const { slug, profileId } = await params;
  const rawBefore = (await searchParams).before;
  const before = typeof rawBefore === "string" && /^\d+$/.test(rawBefore) ? rawBefore : undefined;
  const path = `/w/${slug}/profiles/${encodeURIComponent(profileId)}`;
  const { ctx } = await requirePageWorkspace(slug, path);

  let profile: ProfileDetail;
  try {
    profile = await getProfile(ctx, profileId);
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  }
  const [{ events, nextBefore }, sources, enrollments, segments, predictions, bestTime] = await Promise.all([
    listProfileEvents(ctx, profile.id, { before, limit: PAGE_SIZE }),
    listWebhookSources(ctx),
    profileJourneys(ctx, profile.id),
    listProfileSegments(ctx, profile.id),
    predictionsOfProfile(ctx.workspace.id, profile.id),
    bestTimeOfProfile(ctx.workspace.id, profile, new Date()),
  ]);
  const templates = await pathTemplates(ctx, enrollments);
  const webhookNames = Object.fromEntries(sources.map((s) => [s.key, s.name]));
  const base = `/w/${slug}/profiles/${profile.id}`;
  const title = profile.userId ?? profile.email ?? "Anonymous visitor";

  return (
    <>
      <Link
        href={`/w/${slug}/profiles`}
        className="mb-3 inline-flex items-center gap-1.5 text-sm font-medium text-stone-500 hover:text-stone-900"
      >
        <ArrowLeft className="h-4 w-4" aria-hidden="true" /> Profiles
      </Link>
      <PageHeader
        title={title}
        description={
          <>
            {profile.userId && profile.email ? <span className="text-stone-800">{profile.email} · </span> : null}
            {profile.userId ? "Known person" : "Anonymous visitor: no user id yet"} · profile{" "}
            <span className="font-mono text-xs">{profile.id}</span>
          </>
        }
      />

      <div className="mt-6 grid gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-1">
          <ProfileFacts profile={profile} />
          <Card title="Segments" description="The segments this person is in now, and since when.">
            <ProfileSegments slug={slug} segments={segments} />
          </Card>
          <Card title="Predictions" description="This person's scores (0–100), tiers, and what moved each score most.">
            <ProfilePredictions slug={slug} predictions={predictions} />
          </Card>
          <Card
            title="Best time to send"
            description="The hour a message step or delay set to the best time within 7 days would choose now."
          >
            <ProfileBestTimeView best={bestTime} />
          </Card>
        </div>
        <div className="min-w-0 space-y-6 lg:col-span-2">
          <Card
            title="Traits"
            description="What identify calls have told Cairn about this person; the latest value wins."
          >
            <TraitsTable traits={profile.traits} />
          </Card>
          <Card
            title="Journeys"
            description="The journeys this person is in or went through, newest first: where they are, what they wait for, and why each step went the way it did."
          >
            <ProfileJourneys slug={slug} enrollments={enrollments} templates={templates} />
          </Card>
          <Card
            title="Event timeline"
            description={
              before
                ? "Older events, newest first."
                : "Everything this person did, newest first, including what they did before they were identified."
            }
          >
            {events.length === 0 ? (
              before ? (
                <p className="text-sm text-stone-500">No older events.</p>
              ) : (
                <EmptyState icon={History} heading="No events yet">
                  <p>Events sent with this person&apos;s user id or anonymous id appear here.</p>
                </EmptyState>
              )
            ) : (
              <EventTimeline events={events} webhookNames={webhookNames} />
            )}
            {before || nextBefore ? (
              <nav
                aria-label="Event pages"
                className="mt-5 flex items-center justify-between border-t border-stone-100 pt-4 text-sm font-medium"
              >
                {before ? (
                  <Link href={base} className="text-brand-700 hover:underline">
                    ← Newest events
                  </Link>
                ) : (
                  <span />
                )}
                {nextBefore ? (
                  <Link href={`${base}?before=${nextBefore}`} className="text-brand-700 hover:underline">
                    Older events →
                  </Link>
                ) : null}
              </nav>
            ) : null}
          </Card>
        </div>
      </div>
    </>
  );
}
