import type { Metadata } from "next";
import { BroadcastSettingsForm } from "@/components/settings/broadcast-settings-form";
import { WebhookSigningCard } from "@/components/settings/webhook-signing-card";
import { WorkspaceNameForm } from "@/components/settings/workspace-name-form";
import { Card } from "@/components/ui/card";
import { can } from "@/lib/auth/context";
import { ROLE_DESCRIPTIONS, ROLE_LABELS } from "@/lib/auth/permissions";
import { journeyWebhookSecretFor, VERIFY_SNIPPET } from "@/lib/engine/webhook-signing";
import { requirePageWorkspace } from "@/lib/http/page-auth";
import { getBroadcastSettings } from "@/lib/workspaces/broadcast-settings";

export const metadata: Metadata = { title: "Settings" };

export default async function GeneralSettingsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { ctx } = await requirePageWorkspace(slug, `/w/${slug}/settings`);
  const role = ctx.role ?? "VIEWER";
  const broadcast = await getBroadcastSettings(ctx);
  return (
    <div className="space-y-6">
      <Card title="Workspace">
        {can(ctx, "settings:manage") ? (
          <WorkspaceNameForm slug={slug} name={ctx.workspace.name} />
        ) : (
          <dl className="text-sm">
            <dt className="font-medium text-stone-800">Workspace name</dt>
            <dd className="mt-1 text-stone-700">{ctx.workspace.name}</dd>
          </dl>
        )}
        <dl className="mt-6 grid gap-4 text-sm sm:grid-cols-2">
          <div>
            <dt className="font-medium text-stone-800">Workspace id</dt>
            <dd className="mt-1 font-mono text-xs text-stone-600">{ctx.workspace.id}</dd>
          </div>
          <div>
            <dt className="font-medium text-stone-800">Address</dt>
            <dd className="mt-1 font-mono text-xs text-stone-600">/w/{ctx.workspace.slug}</dd>
          </div>
        </dl>
      </Card>
      <Card title="Time zone and sending">
        {can(ctx, "settings:manage") ? (
          <BroadcastSettingsForm slug={slug} {...broadcast} />
        ) : (
          <dl className="grid gap-4 text-sm sm:grid-cols-2">
            <div>
              <dt className="font-medium text-stone-800">Time zone</dt>
              <dd className="mt-1 text-stone-700">{broadcast.timezone}</dd>
            </div>
            <div>
              <dt className="font-medium text-stone-800">Who may send broadcasts</dt>
              <dd className="mt-1 text-stone-700">{ROLE_LABELS[broadcast.broadcastSendRole]} and up</dd>
            </div>
          </dl>
        )}
      </Card>
      {can(ctx, "settings:manage") && (
        <WebhookSigningCard secret={journeyWebhookSecretFor(ctx)} snippet={VERIFY_SNIPPET} />
      )}
      <Card title="Your access">
        <p className="text-sm text-stone-700">
          You are <strong>{ROLE_LABELS[role]}</strong> here: {ROLE_DESCRIPTIONS[role].toLowerCase()}.
        </p>
      </Card>
    </div>
  );
}
