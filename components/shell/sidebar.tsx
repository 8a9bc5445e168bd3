"use client";

import {
  BarChart3,
  ChevronsUpDown,
  FileText,
  Inbox,
  LogOut,
  Mail,
  Megaphone,
  Package,
  Plus,
  Route,
  Settings,
  Sparkles,
  Users,
  UsersRound,
  Zap,
} from "lucide-react";
import { signOut } from "next-auth/react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { CairnLogo } from "./logo";

const NAV = [
  { href: "journeys", label: "Journeys", icon: Route },
  { href: "broadcasts", label: "Broadcasts", icon: Megaphone },
  { href: "templates", label: "Templates", icon: FileText },
  { href: "catalogs", label: "Catalogs", icon: Package },
  { href: "segments", label: "Segments", icon: UsersRound },
  { href: "predictions", label: "Predictions", icon: Sparkles },
  { href: "profiles", label: "Profiles", icon: Users },
  { href: "events", label: "Events", icon: Zap },
  { href: "messages", label: "Messages", icon: Mail },
  { href: "outbox", label: "Outbox", icon: Inbox },
  { href: "dashboards", label: "Dashboards", icon: BarChart3 },
  { href: "settings", label: "Settings", icon: Settings },
] as const;

interface SidebarProps {
  workspace: { slug: string; name: string };
  workspaces: { slug: string; name: string }[];
  user: { name: string; email: string };
  roleLabel: string;
}

export function Sidebar({ workspace, workspaces, user, roleLabel }: SidebarProps) {
  const pathname = usePathname();
  const base = `/w/${workspace.slug}`;
  return (
    <aside className="flex w-64 shrink-0 flex-col border-r border-stone-200 bg-white">
      <div className="px-5 pt-5 pb-4">
        <Link href={`${base}/journeys`} aria-label="Cairn home">
          <CairnLogo />
        </Link>
      </div>

      <details className="group relative mx-3 mb-2">
        <summary className="flex cursor-pointer list-none items-center justify-between rounded-md px-3 py-2 text-left ring-1 ring-stone-200 hover:bg-stone-50 [&::-webkit-details-marker]:hidden">
          <span className="min-w-0">
            <span className="block text-[11px] font-medium tracking-wide text-stone-500 uppercase">Workspace</span>
            <span className="block truncate text-sm font-medium text-stone-900" data-testid="current-workspace">
              {workspace.name}
            </span>
          </span>
          <ChevronsUpDown className="h-4 w-4 text-stone-400" aria-hidden="true" />
        </summary>
        <div className="absolute inset-x-0 z-20 mt-1 rounded-md bg-white py-1 shadow-lg ring-1 ring-stone-200">
          {workspaces.map((w) => (
            <Link
              key={w.slug}
              href={`/w/${w.slug}/journeys`}
              className={`block truncate px-3 py-2 text-sm hover:bg-stone-50 ${w.slug === workspace.slug ? "font-medium text-brand-700" : "text-stone-700"}`}
            >
              {w.name}
            </Link>
          ))}
          <Link
            href="/workspaces/new"
            className="flex items-center gap-2 border-t border-stone-100 px-3 py-2 text-sm text-stone-600 hover:bg-stone-50"
          >
            <Plus className="h-4 w-4" aria-hidden="true" /> New workspace
          </Link>
        </div>
      </details>

      <nav aria-label="Main" className="flex-1 space-y-0.5 px-3 py-2">
        {NAV.map(({ href, label, icon: Icon }) => {
          const target = `${base}/${href}`;
          const active = pathname === target || pathname.startsWith(`${target}/`);
          return (
            <Link
              key={href}
              href={target}
              aria-current={active ? "page" : undefined}
              className={`flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium transition-colors ${
                active ? "bg-brand-50 text-brand-800" : "text-stone-600 hover:bg-stone-100 hover:text-stone-900"
              }`}
            >
              <Icon className={`h-4 w-4 ${active ? "text-brand-700" : "text-stone-400"}`} aria-hidden="true" />
              {label}
            </Link>
          );
        })}
      </nav>

      <div className="border-t border-stone-200 p-3">
        <div className="flex items-center gap-3 px-2 py-1.5">
          <span
            className="flex h-8 w-8 shrink-0 items-center justify-center rounded-full bg-brand-100 text-sm font-semibold text-brand-800"
            aria-hidden="true"
          >
            {user.name.slice(0, 1).toUpperCase()}
          </span>
          <span className="min-w-0 flex-1">
            <span className="block truncate text-sm font-medium text-stone-900">{user.name}</span>
            <span className="block truncate text-xs text-stone-500">
              {user.email} · <span data-testid="current-role">{roleLabel}</span>
            </span>
          </span>
        </div>
        <button
          type="button"
          onClick={() => signOut({ callbackUrl: "/login" })}
          className="mt-1 flex w-full items-center gap-3 rounded-md px-3 py-2 text-sm text-stone-600 hover:bg-stone-100 hover:text-stone-900"
        >
          <LogOut className="h-4 w-4 text-stone-400" aria-hidden="true" /> Sign out
        </button>
      </div>
    </aside>
  );
}
