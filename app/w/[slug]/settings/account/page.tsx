import type { Metadata } from "next";
import { PasswordForm } from "@/components/settings/password-form";
import { Card } from "@/components/ui/card";
import { hasPassword } from "@/lib/auth/change-password";
import { requirePageWorkspace } from "@/lib/http/page-auth";

export const metadata: Metadata = { title: "Your account" };

/** About the signed-in person rather than the workspace, so every role (viewers too) has it. */
export default async function AccountSettingsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const returnTo = `/w/${slug}/settings/account`;
  const { user } = await requirePageWorkspace(slug, returnTo);
  const passwordSet = await hasPassword(user.id);
  return (
    <div className="space-y-6">
      <Card title="Your account" description="These apply to you in every workspace you belong to.">
        <dl className="grid gap-4 text-sm sm:grid-cols-2">
          <div>
            <dt className="font-medium text-stone-800">Name</dt>
            <dd className="mt-1 text-stone-700">{user.name}</dd>
          </div>
          <div>
            <dt className="font-medium text-stone-800">Email</dt>
            <dd className="mt-1 text-stone-700">{user.email}</dd>
          </div>
        </dl>
      </Card>
      <Card
        title={passwordSet ? "Change your password" : "Set a password"}
        description={
          passwordSet
            ? "This signs you out everywhere, in this browser too; then you sign in with the new password."
            : "You sign in with GitHub or Google and have no password. Set one to sign in with your email too. This signs you out everywhere, in this browser too; then you sign in again."
        }
      >
        <PasswordForm email={user.email} hasPassword={passwordSet} returnTo={returnTo} />
      </Card>
    </div>
  );
}
