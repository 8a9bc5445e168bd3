import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { LoginForm } from "@/components/auth/login-form";
import { oauthProvidersConfigured } from "@/lib/auth/next-auth-options";
import { currentUser } from "@/lib/http/page-auth";
import { safeReturnPath } from "@/lib/http/safe-redirect";
import { isSetUp } from "@/lib/workspaces/setup";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  if (!(await isSetUp())) redirect("/setup");
  const params = await searchParams;
  const callbackUrl = safeReturnPath(params.callbackUrl);
  if (await currentUser()) redirect(callbackUrl);
  const error = typeof params.error === "string" ? params.error : undefined;
  const notice = params.passwordChanged === "1" ? "Your password was changed; sign in with the new one." : undefined;
  return (
    <AuthCard title="Sign in to Cairn" subtitle="New here? Ask an admin of your workspace for an invitation link.">
      <LoginForm callbackUrl={callbackUrl} initialError={error} notice={notice} oauth={oauthProvidersConfigured()} />
    </AuthCard>
  );
}
