import { type ProviderConfigs, loadProviderConfigs } from "../../messaging/channel-config";
import type { RenderAssets, TemplateContent, TemplateKind } from "../../messaging/liquid";
import { type MessagingPolicy, loadPolicy } from "../../messaging/policy";
import { renderAssetsAt, templateVersionAt } from "../../messaging/templates/published-versions";
import type { SendingBroadcast } from "./store/sending-broadcasts";

/**
 * What every batch of one broadcast reads besides its messages: the workspace's rules and providers, and each
 * variant's template as it was when the broadcast started (an edit during the send reaches no one of it: the
 * people sent later get what the first got). Loaded once per link of the send chain and shared by its batches;
 * the templates are loaded the first time a batch meets their id.
 */
export interface SendContext {
  broadcast: SendingBroadcast;
  policy: MessagingPolicy;
  configs: ProviderConfigs;
  /** when the broadcast started: the moment its templates, partials and layout are read as of */
  pinnedAt: Date;
  templates: Map<string, Promise<PinnedTemplate | null>>;
}

export interface PinnedTemplate {
  channel: TemplateKind;
  version: number;
  content: TemplateContent;
  assets: RenderAssets;
}

export async function loadSendContext(broadcast: SendingBroadcast, now: Date): Promise<SendContext> {
  const [policy, configs] = await Promise.all([
    loadPolicy(broadcast.workspaceId),
    loadProviderConfigs(broadcast.workspaceId),
  ]);
  return { broadcast, policy, configs, pinnedAt: broadcast.startedAt ?? now, templates: new Map() };
}

/** The template version a message of the broadcast renders, with its partials and layout; null when it has none. */
export function pinnedTemplate(context: SendContext, templateId: string): Promise<PinnedTemplate | null> {
  let found = context.templates.get(templateId);
  if (!found) {
    const { workspaceId } = context.broadcast;
    found = templateVersionAt(workspaceId, templateId, context.pinnedAt).then(async (template) => {
      if (!template) return null;
      const layoutId = (template.content as { layoutId?: string }).layoutId;
      return { ...template, assets: await renderAssetsAt(workspaceId, context.pinnedAt, layoutId) };
    });
    context.templates.set(templateId, found);
  }
  return found;
}
