import type { Metadata } from "next";
import { AcceptInvite } from "@/components/auth/accept-invite";
import { AuthCard } from "@/components/auth/auth-card";
import { ROLE_DESCRIPTIONS, ROLE_LABELS } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";
import { currentUser } from "@/lib/http/page-auth";
import { previewInvitation, type InvitationPreview } from "@/lib/workspaces/invitations";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Invitation" };

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  let invitation: InvitationPreview;
  try {
    invitation = await previewInvitation(token);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return (
      <AuthCard title="This invitation cannot be used" subtitle={error.message}>
        <a href="/login" className="text-sm font-medium text-brand-700 hover:underline">
          Go to sign in
        </a>
      </AuthCard>
    );
  }
  const user = await currentUser();
  const mode = user
    ? user.email === invitation.email
      ? "signed-in"
      : "wrong-account"
    : invitation.accountExists
      ? "sign-in-first"
      : "new-account";
  return (
    <AuthCard
      title={`Join ${invitation.workspaceName}`}
      subtitle={
        <>
          You are invited as <strong>{ROLE_LABELS[invitation.role]}</strong>:{" "}
          {ROLE_DESCRIPTIONS[invitation.role].toLowerCase()}.
        </>
      }
    >
      <AcceptInvite token={token} email={invitation.email} mode={mode} signedInAs={user?.email} />
    </AuthCard>
  );
}
