import { Zap } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/shell/page-header";
import { PlannedSection } from "@/components/shell/planned-section";
import { buttonClass } from "@/components/ui/button";
import { can } from "@/lib/auth/context";
import { requirePageWorkspace } from "@/lib/http/page-auth";

export const metadata: Metadata = { title: "Events" };

export default async function EventsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { ctx } = await requirePageWorkspace(slug, `/w/${slug}/events`);
  return (
    <>
      <PageHeader title="Events" description="What your customers do, as your websites, apps and servers report it." />
      <PlannedSection
        icon={Zap}
        heading="No events yet"
        points={[
          "A live view of incoming events, updating without a reload",
          "The event catalog: every event name seen, its daily volume and the properties it carries",
          "A Segment-compatible ingestion API (track, identify, page, screen, alias, batch) and webhook sources",
        ]}
      >
        {can(ctx, "api_keys:manage") ? (
          <Link href={`/w/${slug}/settings/api-keys`} className={buttonClass("secondary")}>
            Create an API key for ingestion
          </Link>
        ) : null}
      </PlannedSection>
    </>
  );
}
