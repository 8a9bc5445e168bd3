import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { IdentityVerificationPanel } from "@/components/settings/identity-verification-panel";
import { can } from "@/lib/auth/context";
import { requirePageWorkspace } from "@/lib/http/page-auth";
import { getIdentityVerification, USER_HASH_SNIPPET } from "@/lib/messaging/identity-verification";

export const metadata: Metadata = { title: "Identity verification" };

export default async function IdentityVerificationPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { ctx } = await requirePageWorkspace(slug, `/w/${slug}/settings/identity-verification`);
  if (!can(ctx, "settings:manage")) notFound();
  return (
    <IdentityVerificationPanel slug={slug} initial={await getIdentityVerification(ctx)} snippet={USER_HASH_SNIPPET} />
  );
}
