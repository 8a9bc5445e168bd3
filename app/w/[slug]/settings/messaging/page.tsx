import type { Metadata } from "next";
import { MessagingRulesForm } from "@/components/settings/channels/messaging-rules-form";
import { can } from "@/lib/auth/context";
import { requirePageWorkspace } from "@/lib/http/page-auth";
import { describeCap, describePolicy, getPolicy } from "@/lib/messaging/policy";

export const metadata: Metadata = { title: "Messaging rules" };

/** The zones offered for people without one: the runtime's IANA list, with UTC first (it is not in that list). */
function timeZones(): string[] {
  return ["UTC", ...Intl.supportedValuesOf("timeZone").filter((zone) => zone !== "UTC")];
}

export default async function MessagingRulesPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { ctx } = await requirePageWorkspace(slug, `/w/${slug}/settings/messaging`);
  const policy = await getPolicy(ctx);
  return (
    <MessagingRulesForm
      slug={slug}
      policy={policy}
      summary={describePolicy(policy)}
      capDescriptions={policy.frequencyCaps.map(describeCap)}
      timeZones={timeZones()}
      canManage={can(ctx, "settings:manage")}
    />
  );
}
