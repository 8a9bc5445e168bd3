import Link from "next/link";
import { AuthCard } from "@/components/auth/auth-card";

export default function NotFound() {
  return (
    <AuthCard
      title="Not found"
      subtitle="This page does not exist, or it belongs to a workspace you are not a member of."
    >
      <Link href="/" className="text-sm font-medium text-brand-700 hover:underline">
        Go to your workspace
      </Link>
    </AuthCard>
  );
}
