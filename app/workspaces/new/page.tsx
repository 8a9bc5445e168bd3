import type { Metadata } from "next";
import { AuthCard } from "@/components/auth/auth-card";
import { NewWorkspaceForm } from "@/components/auth/new-workspace-form";
import { requirePageUser } from "@/lib/http/page-auth";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "New workspace" };

export default async function NewWorkspacePage() {
  await requirePageUser("/workspaces/new");
  return (
    <AuthCard
      title="Create a workspace"
      subtitle="A workspace has its own profiles, journeys, keys and members. You will be its owner."
    >
      <NewWorkspaceForm />
    </AuthCard>
  );
}
