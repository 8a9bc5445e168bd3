import { ZApproveTemplate } from "../approvals/approve-template";
import { ZDraftRequest, ZRewriteRequest } from "../ai/drafts";
import { ZAiProvider } from "../ai/provider";
import { ZAiSettings } from "../ai/settings";
import { ZTranslateRequest } from "../ai/translate";
import { ZVariantsRequest } from "../ai/variants";
import { keyOperation } from "./operation";

const TAG = "AI drafts and approval";

/** AI drafts (an OpenAI-compatible provider), brand settings and template approval (listed in API_OPERATIONS). */
export const aiApi = {
  status: keyOperation({
    method: "GET",
    path: "/ai",
    tag: TAG,
    permission: "workspace:read",
    auth: "either",
    summary: "Whether AI drafting is connected, and this month's token usage",
  }),
  settings: keyOperation({
    method: "GET",
    path: "/ai/settings",
    tag: TAG,
    permission: "settings:manage",
    auth: "either",
    summary: "The AI provider (never its key), brand voice, banned phrases, limits and the approval rule",
    description: "Admins and owners (API keys cannot).",
  }),
  updateSettings: keyOperation({
    method: "PATCH",
    path: "/ai/settings",
    tag: TAG,
    permission: "settings:manage",
    auth: "either",
    body: ZAiSettings,
    summary: "Change the brand voice, banned phrases, personal-data rule, token limit or approval rule",
    description: "Admins and owners (API keys cannot). Audited.",
  }),
  saveProvider: keyOperation({
    method: "PUT",
    path: "/ai/provider",
    tag: TAG,
    permission: "settings:manage",
    auth: "either",
    body: ZAiProvider,
    summary: "Connect an OpenAI-compatible provider (base URL, model, key)",
    description:
      "The key is stored encrypted and never answered (only whether it is set and its last 4 characters); omit `apiKey` to keep it, `null` for none. The base URL goes through the outbound guard.",
  }),
  deleteProvider: keyOperation({
    method: "DELETE",
    path: "/ai/provider",
    tag: TAG,
    permission: "settings:manage",
    auth: "either",
    summary: "Disconnect the provider (its key is deleted)",
  }),
  testProvider: keyOperation({
    method: "POST",
    path: "/ai/provider/test",
    tag: TAG,
    permission: "settings:manage",
    auth: "either",
    summary: "Make one tiny call to the provider and say what happened",
  }),
  drafts: keyOperation({
    method: "POST",
    path: "/ai/drafts",
    tag: TAG,
    permission: "content:write",
    auth: "either",
    body: ZDraftRequest,
    summary: "Draft a template's text fields from a brief",
    description:
      "Each draft's fields come checked: `liquid` is ok, repaired or invalid (with a note) and `banned` lists the banned phrases found, with offsets. Saving content that holds a draft makes the version wait for approval.",
  }),
  rewrite: keyOperation({
    method: "POST",
    path: "/ai/rewrite",
    tag: TAG,
    permission: "content:write",
    auth: "either",
    body: ZRewriteRequest,
    summary: "Rewrite one field shorter, friendlier or more formal",
  }),
  variants: keyOperation({
    method: "POST",
    path: "/ai/variants",
    tag: TAG,
    permission: "content:write",
    auth: "either",
    body: ZVariantsRequest,
    status: 201,
    summary: "Create A/B variants: sibling templates with drafted subject lines or text, awaiting approval",
  }),
  translate: keyOperation({
    method: "POST",
    path: "/ai/translate",
    tag: TAG,
    permission: "content:write",
    auth: "either",
    body: ZTranslateRequest,
    summary: "Translate content into the workspace's other locales",
  }),
  approval: keyOperation({
    method: "GET",
    path: "/templates/{id}/approval",
    tag: TAG,
    permission: "workspace:read",
    auth: "either",
    summary: "A template's approval state: what waits, who may approve, and what it changes against the live version",
  }),
  approve: keyOperation({
    method: "POST",
    path: "/templates/{id}/approval",
    tag: TAG,
    permission: "content:write",
    auth: "either",
    body: ZApproveTemplate,
    summary: "Approve a waiting version (default: the newest); it goes live at once",
    description:
      "A signed-in member whose role is at least the workspace's approver role (403 naming the role otherwise; API keys cannot approve). Audited with the changed fields.",
  }),
};
