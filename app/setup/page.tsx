import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { SetupForm } from "@/components/auth/setup-form";
import { isSetUp } from "@/lib/workspaces/setup";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Set up Cairn" };

export default async function SetupPage() {
  if (await isSetUp()) redirect("/login");
  return (
    <AuthCard
      title="Welcome to Cairn"
      subtitle="Create the owner account and your first workspace. You can invite your team right after."
    >
      <SetupForm />
    </AuthCard>
  );
}
