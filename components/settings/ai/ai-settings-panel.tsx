"use client";

import { Plus, Trash2 } from "lucide-react";
import { useState } from "react";
import { aiApi } from "@/components/ai/api";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { FormAlert, SelectField, TextField } from "@/components/ui/field";
import type { AiSettings } from "@/lib/ai/settings";

type Settings = AiSettings;

const TEXTAREA =
  "block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-stone-900 shadow-sm ring-1 ring-inset ring-stone-300 placeholder:text-stone-400 focus:ring-2 focus:ring-inset focus:ring-brand-600 outline-none";

/**
 * Settings → AI (admins): the OpenAI-compatible provider and Test connection, this month's usage and its limit,
 * the brand voice and banned phrases every draft is written and checked against, personal data in prompts, and
 * the approval rule for template changes. Each form saves on its own; errors show beside their fields.
 */
export function AiSettingsPanel({ slug, initial }: { slug: string; initial: Settings }) {
  const [settings, setSettings] = useState(initial);
  return (
    <div className="space-y-6">
      <ProviderCard slug={slug} settings={settings} onSaved={setSettings} />
      <BrandCard slug={slug} settings={settings} onSaved={setSettings} />
      <ApprovalCard slug={slug} settings={settings} onSaved={setSettings} />
    </div>
  );
}

function useForm() {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<string | null>(null);
  return { pending, setPending, error, setError, fields, setFields, notice, setNotice };
}

/** What a card's last action came to: the error, or the notice that it worked. */
function FormOutcome({ form, testId }: { form: ReturnType<typeof useForm>; testId?: string }) {
  return (
    <>
      <FormAlert message={form.error} />
      {form.notice ? (
        <p role="status" className="text-sm text-brand-800" data-testid={testId}>
          {form.notice}
        </p>
      ) : null}
    </>
  );
}

function ProviderCard({
  slug,
  settings,
  onSaved,
}: {
  slug: string;
  settings: Settings;
  onSaved: (s: Settings) => void;
}) {
  const [baseUrl, setBaseUrl] = useState(settings.provider?.baseUrl ?? "https://api.openai.com/v1");
  const [model, setModel] = useState(settings.provider?.model ?? "gpt-4o-mini");
  const [apiKey, setApiKey] = useState("");
  const [limit, setLimit] = useState(String(settings.aiMonthlyTokenLimit));
  const form = useForm();

  async function reload(notice: string) {
    const fresh = await aiApi.settings(slug);
    if (fresh.ok) onSaved(fresh.data);
    form.setNotice(notice);
  }

  async function save() {
    form.setPending(true);
    form.setError(null);
    form.setNotice(null);
    const result = await aiApi.saveProvider(slug, {
      baseUrl,
      model,
      ...(apiKey.trim() ? { apiKey: apiKey.trim() } : {}),
    });
    let ok = result.ok;
    if (!result.ok) {
      form.setFields(result.error.fields);
      form.setError(result.error.hasFields ? null : result.error.message);
    } else if (Number(limit) !== settings.aiMonthlyTokenLimit) {
      const limited = await aiApi.updateSettings(slug, { aiMonthlyTokenLimit: Number(limit) });
      ok = limited.ok;
      if (!limited.ok) form.setFields(limited.error.fields);
    }
    form.setPending(false);
    if (ok) {
      form.setFields({});
      setApiKey("");
      await reload("Saved.");
    }
  }

  async function test() {
    form.setPending(true);
    form.setError(null);
    form.setNotice(null);
    const result = await aiApi.testProvider(slug);
    form.setPending(false);
    if (!result.ok) return form.setError(result.error.message);
    if (result.data.ok)
      await reload(`Connected: ${result.data.model} answered “${result.data.reply}” in ${result.data.ms} ms.`);
    else form.setError(result.data.message);
  }

  async function disconnect() {
    if (!window.confirm("Disconnect the AI provider? Its key is deleted; drafting stops until one is connected."))
      return;
    const result = await aiApi.deleteProvider(slug);
    if (!result.ok) return form.setError(result.error.message);
    await reload("Disconnected.");
  }

  const { usage } = settings;
  return (
    <Card
      title="AI provider"
      description="Any OpenAI-compatible API: OpenAI, Azure OpenAI, or a server of your own such as Ollama or vLLM."
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          label="Base URL"
          value={baseUrl}
          error={form.fields.baseUrl}
          hint="e.g. https://api.openai.com/v1 or http://ollama.internal:11434/v1"
          onChange={(e) => setBaseUrl(e.target.value)}
        />
        <TextField label="Model" value={model} error={form.fields.model} onChange={(e) => setModel(e.target.value)} />
        <TextField
          label="API key"
          type="password"
          autoComplete="off"
          value={apiKey}
          error={form.fields.apiKey}
          placeholder={
            settings.provider?.apiKey.set
              ? `•••• ${settings.provider.apiKey.last4 ?? ""} (leave empty to keep)`
              : "sk-…"
          }
          hint="Stored encrypted; never shown again."
          onChange={(e) => setApiKey(e.target.value)}
        />
        <TextField
          label="Monthly token limit"
          type="number"
          min={0}
          value={limit}
          error={form.fields.aiMonthlyTokenLimit}
          hint={`This month (${usage.month}): ${usage.totalTokens.toLocaleString("en")} tokens in ${usage.requests} requests.`}
          onChange={(e) => setLimit(e.target.value)}
        />
      </div>
      <p className="mt-3 text-sm text-stone-600" data-testid="ai-usage">
        {usage.totalTokens.toLocaleString("en")} of {usage.limit.toLocaleString("en")} tokens used this month (
        {usage.promptTokens.toLocaleString("en")} prompt, {usage.completionTokens.toLocaleString("en")} completion).
      </p>
      <div className="mt-4 space-y-3">
        <FormOutcome form={form} testId="ai-provider-status" />
        <div className="flex flex-wrap gap-2">
          <Button onClick={() => void save()} disabled={form.pending}>
            {settings.provider ? "Save" : "Connect"}
          </Button>
          <Button variant="secondary" onClick={() => void test()} disabled={form.pending || !settings.provider}>
            Test connection
          </Button>
          {settings.provider ? (
            <Button variant="danger" onClick={() => void disconnect()} disabled={form.pending}>
              Disconnect
            </Button>
          ) : null}
        </div>
      </div>
    </Card>
  );
}

function BrandCard({ slug, settings, onSaved }: { slug: string; settings: Settings; onSaved: (s: Settings) => void }) {
  const [voice, setVoice] = useState(settings.brandVoice);
  const [phrases, setPhrases] = useState(
    settings.bannedPhrases.map((p) => ({ phrase: p.phrase, reason: p.reason ?? "" })),
  );
  const [personal, setPersonal] = useState(settings.aiAllowPersonalData);
  const form = useForm();

  async function save() {
    form.setPending(true);
    form.setError(null);
    form.setNotice(null);
    const result = await aiApi.updateSettings(slug, {
      brandVoice: voice,
      bannedPhrases: phrases
        .filter((p) => p.phrase.trim())
        .map((p) => ({ phrase: p.phrase, ...(p.reason.trim() ? { reason: p.reason } : {}) })),
      aiAllowPersonalData: personal,
    });
    form.setPending(false);
    if (!result.ok) {
      form.setFields(result.error.fields);
      return form.setError(result.error.hasFields ? "Not saved: fix the fields marked below." : result.error.message);
    }
    form.setFields({});
    onSaved(result.data);
    form.setNotice("Saved.");
  }

  return (
    <Card
      title="Brand voice and banned phrases"
      description="Every AI draft is written in this voice and checked against the banned phrases before it is shown; publishing and sending refuse content with a banned phrase, whoever wrote it."
    >
      <div className="space-y-4">
        <div className="space-y-1.5">
          <label htmlFor="brand-voice" className="block text-sm font-medium text-stone-800">
            Brand voice
          </label>
          <textarea
            id="brand-voice"
            rows={4}
            value={voice}
            maxLength={4000}
            className={TEXTAREA}
            placeholder="Warm and plain. Short sentences. We say “you”, never “customers”. No exclamation marks."
            onChange={(e) => setVoice(e.target.value)}
          />
          {form.fields.brandVoice ? <p className="text-sm text-red-700">{form.fields.brandVoice}</p> : null}
        </div>
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium text-stone-800">Banned words and claims</legend>
          {phrases.map((p, i) => (
            <div
              // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place
              key={i}
              className="flex flex-wrap items-start gap-2"
              data-testid="banned-phrase-row"
            >
              <div className="min-w-40 flex-1">
                <input
                  aria-label={`Banned phrase ${i + 1}`}
                  value={p.phrase}
                  className={TEXTAREA}
                  placeholder="guaranteed"
                  onChange={(e) =>
                    setPhrases((list) => list.map((x, j) => (j === i ? { ...x, phrase: e.target.value } : x)))
                  }
                />
                {form.fields[`bannedPhrases.${i}.phrase`] ? (
                  <p className="text-sm text-red-700">{form.fields[`bannedPhrases.${i}.phrase`]}</p>
                ) : null}
              </div>
              <input
                aria-label={`Why phrase ${i + 1} is banned`}
                value={p.reason}
                className={`${TEXTAREA} min-w-40 flex-[2]`}
                placeholder="Why (shown to writers): legal, no guarantees"
                onChange={(e) =>
                  setPhrases((list) => list.map((x, j) => (j === i ? { ...x, reason: e.target.value } : x)))
                }
              />
              <Button
                variant="ghost"
                aria-label={`Remove banned phrase ${i + 1}`}
                onClick={() => setPhrases((list) => list.filter((_, j) => j !== i))}
              >
                <Trash2 className="h-4 w-4" aria-hidden="true" />
              </Button>
            </div>
          ))}
          {form.fields.bannedPhrases ? <p className="text-sm text-red-700">{form.fields.bannedPhrases}</p> : null}
          <Button variant="secondary" onClick={() => setPhrases((list) => [...list, { phrase: "", reason: "" }])}>
            <Plus className="h-4 w-4" aria-hidden="true" /> Add a phrase
          </Button>
        </fieldset>
        <label className="flex items-start gap-2 text-sm text-stone-800">
          <input
            type="checkbox"
            className="mt-0.5"
            checked={personal}
            onChange={(e) => setPersonal(e.target.checked)}
          />
          <span>
            Allow personal data in prompts
            <span className="block text-xs text-stone-500">
              Off: prompts carry only the brief and the template&apos;s own text. On: a draft may also send the traits
              of the person the editor previews for, to the provider.
            </span>
          </span>
        </label>
        <FormOutcome form={form} />
        <Button onClick={() => void save()} disabled={form.pending}>
          Save brand settings
        </Button>
      </div>
    </Card>
  );
}

function ApprovalCard({
  slug,
  settings,
  onSaved,
}: {
  slug: string;
  settings: Settings;
  onSaved: (s: Settings) => void;
}) {
  const [required, setRequired] = useState(settings.requireTemplateApproval);
  const [role, setRole] = useState(settings.templateApproveRole === "VIEWER" ? "ADMIN" : settings.templateApproveRole);
  const form = useForm();

  async function save() {
    form.setPending(true);
    form.setError(null);
    form.setNotice(null);
    const result = await aiApi.updateSettings(slug, {
      requireTemplateApproval: required,
      templateApproveRole: role as "EDITOR" | "ADMIN" | "OWNER",
    });
    form.setPending(false);
    if (!result.ok) {
      form.setFields(result.error.fields);
      return form.setError(result.error.message);
    }
    onSaved(result.data);
    form.setNotice("Saved.");
  }

  return (
    <Card
      title="Approval of template changes"
      description="AI-drafted content always waits for approval before it can be sent. A version that waits is not live: sends and publishes keep using the last approved one."
    >
      <div className="space-y-4">
        <label className="flex items-start gap-2 text-sm text-stone-800">
          <input
            type="checkbox"
            className="mt-0.5"
            checked={required}
            onChange={(e) => setRequired(e.target.checked)}
          />
          <span>
            Require approval of every template change
            <span className="block text-xs text-stone-500">Not only AI drafts: every save waits until approved.</span>
          </span>
        </label>
        <SelectField
          label="Who approves"
          value={role}
          error={form.fields.templateApproveRole}
          onChange={(e) => setRole(e.target.value as typeof role)}
        >
          <option value="EDITOR">Editors, admins and owners</option>
          <option value="ADMIN">Admins and owners</option>
          <option value="OWNER">Owners only</option>
        </SelectField>
        <FormOutcome form={form} />
        <Button onClick={() => void save()} disabled={form.pending}>
          Save approval settings
        </Button>
      </div>
    </Card>
  );
}
