import type { ReactNode } from "react";
import { CairnLogo } from "../shell/logo";

export function AuthCard({ title, subtitle, children }: { title: string; subtitle?: ReactNode; children: ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center bg-gradient-to-b from-brand-50 to-stone-50 px-4 py-12">
      <div className="w-full max-w-md">
        <div className="mb-8 flex justify-center">
          <CairnLogo />
        </div>
        <div className="rounded-xl bg-white p-8 shadow-sm ring-1 ring-stone-200">
          <h1 className="text-xl font-semibold text-stone-900">{title}</h1>
          {subtitle ? <p className="mt-1.5 text-sm text-stone-600">{subtitle}</p> : null}
          <div className="mt-6">{children}</div>
        </div>
      </div>
    </main>
  );
}
