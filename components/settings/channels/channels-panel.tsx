"use client";

import {
  BellRing,
  CircleAlert,
  CircleCheck,
  Info,
  KeyRound,
  Mail,
  MessageSquare,
  PlugZap,
  Smartphone,
  Trash2,
  type LucideIcon,
} from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent, type ReactNode } from "react";
import type { ChannelConfigView, ProviderName } from "@/lib/messaging/channel-config";
import { Button } from "../../ui/button";
import { Badge, Card } from "../../ui/card";
import { FormAlert, TextField } from "../../ui/field";
import { formatDateTime } from "../../ui/format";
import { api } from "../../api/client";
import { useApiForm } from "../../ui/use-api-form";
import { describeFieldProblem } from "../../ui/field-words";
import {
  isSecret,
  PROVIDER_SPECS,
  SECRET_PLACEHOLDER,
  withLabel,
  type FieldSpec,
  type ProviderSpec,
} from "./provider-fields";

const ICONS: Record<ProviderName, LucideIcon> = {
  email: Mail,
  sms: MessageSquare,
  web_push: BellRing,
  fcm: Smartphone,
};

interface Props {
  slug: string;
  configs: ChannelConfigView[];
  canManage: boolean;
  /** the embedded SMTP server (and so the Outbox) runs in this installation */
  embeddedRunning: boolean;
}

export function ChannelsPanel({ slug, configs, canManage, embeddedRunning }: Props) {
  return (
    <div className="space-y-6">
      {canManage ? null : <ReadOnlyNote what="channel settings" />}
      {PROVIDER_SPECS.map((spec) => (
        <ChannelCard
          key={spec.provider}
          slug={slug}
          spec={spec}
          config={configs.find((c) => c.provider === spec.provider) ?? null}
          canManage={canManage}
          embeddedRunning={embeddedRunning}
        />
      ))}
    </div>
  );
}

export function ReadOnlyNote({ what }: { what: string }) {
  return (
    <p
      role="note"
      className="flex items-start gap-2 rounded-lg bg-stone-100 px-4 py-3 text-sm text-stone-700 ring-1 ring-stone-200 ring-inset"
    >
      <Info className="mt-0.5 h-4 w-4 shrink-0 text-stone-500" aria-hidden="true" />
      <span>You can read the {what} but not change them: only admins and owners of this workspace can.</span>
    </p>
  );
}

type Values = Record<string, string | boolean>;

function initialValues(spec: ProviderSpec, config: ChannelConfigView | null): Values {
  const values: Values = {};
  for (const field of spec.fields) {
    if (isSecret(field)) continue;
    const stored = config?.settings[field.name];
    if (field.kind === "checkbox") values[field.name] = stored === true;
    else
      values[field.name] =
        stored === undefined || stored === null ? (config ? "" : (field.initial ?? "")) : String(stored);
  }
  if (spec.provider === "email") values.mode = config?.settings.mode === "smtp" ? "smtp" : "embedded";
  return values;
}

function emptySecrets(spec: ProviderSpec): Record<string, string> {
  return Object.fromEntries(spec.fields.filter(isSecret).map((f) => [f.name, ""]));
}

function ChannelCard({
  slug,
  spec,
  config,
  canManage,
  embeddedRunning,
}: {
  slug: string;
  spec: ProviderSpec;
  config: ChannelConfigView | null;
  canManage: boolean;
  embeddedRunning: boolean;
}) {
  const router = useRouter();
  const form = useApiForm();
  const [values, setValues] = useState<Values>(() => initialValues(spec, config));
  const [secrets, setSecrets] = useState<Record<string, string>>(() => emptySecrets(spec));
  const [notice, setNotice] = useState<string | null>(null);
  const [test, setTest] = useState<{ ok: boolean; text: string } | null>(null);
  const [testing, setTesting] = useState(false);
  const [generating, setGenerating] = useState(false);
  const Icon = ICONS[spec.provider];
  const smtp = spec.provider === "email" && values.mode === "smtp";
  const visible = spec.fields.filter((f) => !f.smtpOnly || smtp);
  const shownPaths = new Set(
    visible
      .map((f) => `${isSecret(f) ? "secrets" : "settings"}.${f.name}`)
      .concat(spec.provider === "email" ? ["settings.mode"] : []),
  );
  const leftover = Object.entries(form.fieldErrors).filter(([path]) => !shownPaths.has(path));

  function body() {
    const settings: Record<string, unknown> = {};
    if (spec.provider === "email") settings.mode = values.mode;
    for (const field of visible) {
      if (isSecret(field)) continue;
      const value = values[field.name];
      if (typeof value === "boolean") settings[field.name] = value;
      else if (value.trim() !== "" || field.initial === undefined) settings[field.name] = value.trim();
      // a blank field with a server-side default is left out, so the default applies
    }
    const sent = Object.fromEntries(visible.filter(isSecret).map((f) => [f.name, secrets[f.name] ?? ""]));
    return { settings, secrets: sent };
  }

  function clearMessages() {
    setNotice(null);
    setTest(null);
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    clearMessages();
    const saved = await form.submit(api.settings.saveChannel(slug, spec.provider, body()));
    if (!saved) return;
    setSecrets(emptySecrets(spec));
    setNotice(`Saved. ${spec.title} now sends with these settings.`);
    router.refresh();
  }

  async function remove() {
    const consequence =
      spec.provider === "email"
        ? "Email goes back to the embedded Outbox."
        : `${spec.title} messages will fail until it is set up again.`;
    if (!confirm(`Remove the ${spec.title} settings, secrets included? ${consequence}`)) return;
    clearMessages();
    const result = await api.settings.removeChannel(slug, spec.provider);
    if (!result.ok) {
      form.setFormError(result.error.message);
      return;
    }
    setValues(initialValues(spec, null));
    setSecrets(emptySecrets(spec));
    setNotice(`Removed the ${spec.title} settings.`);
    router.refresh();
  }

  async function testConnection() {
    clearMessages();
    setTesting(true);
    const result = await form.submit(api.settings.testEmailChannel(slug, body()));
    setTesting(false);
    if (result) setTest(result.ok ? { ok: true, text: result.message } : { ok: false, text: result.error });
  }

  async function generateKeys() {
    if (
      config &&
      !confirm(
        "Generate a new key pair? Once saved, browsers subscribed with the current public key must subscribe again.",
      )
    )
      return;
    clearMessages();
    setGenerating(true);
    const result = await api.settings.generateWebPushKeys(slug);
    setGenerating(false);
    if (!result.ok) {
      form.setFormError(result.error.message);
      return;
    }
    setValues((v) => ({ ...v, vapidPublicKey: result.data.vapidPublicKey }));
    setSecrets((s) => ({ ...s, vapidPrivateKey: result.data.vapidPrivateKey }));
    setNotice("A new key pair is filled in. Save to keep it: the private key is not shown again.");
  }

  const errorOf = (field: FieldSpec) =>
    withLabel(field.label, form.fieldErrors[`${isSecret(field) ? "secrets" : "settings"}.${field.name}`]);

  return (
    <div data-testid={`channel-${spec.provider}`}>
      <Card
        title={spec.title}
        description={spec.description}
        actions={
          <span data-testid={`channel-${spec.provider}-badge`}>
            <Status spec={spec} config={config} embeddedRunning={embeddedRunning} />
          </span>
        }
      >
        <form method="post" onSubmit={save} noValidate aria-label={`${spec.title} settings`} className="space-y-5">
          <div className="flex items-start gap-3 text-sm text-stone-600">
            <Icon className="mt-0.5 h-5 w-5 shrink-0 text-stone-400" aria-hidden="true" />
            <p data-testid={`channel-${spec.provider}-status`}>{statusLine(slug, spec, config, embeddedRunning)}</p>
          </div>
          <FormAlert message={form.formError} />
          {leftover.length > 0 ? (
            <FormAlert message={leftover.map(([path, message]) => describeFieldProblem(path, message)).join(" · ")} />
          ) : null}
          <fieldset
            disabled={!canManage}
            className="space-y-5 [&_input:disabled]:bg-stone-50 [&_input:disabled]:text-stone-600 [&_textarea:disabled]:bg-stone-50"
          >
            {spec.provider === "email" ? (
              <fieldset>
                <legend className="text-sm font-medium text-stone-800">Send through</legend>
                <div className="mt-2 flex flex-wrap gap-x-6 gap-y-2">
                  {(
                    [
                      ["embedded", "Embedded Outbox", "mail stays on this machine and shows in the Outbox"],
                      ["smtp", "SMTP server", "your provider’s or your own server"],
                    ] as const
                  ).map(([mode, label, detail]) => (
                    <label key={mode} className="flex items-start gap-2 text-sm text-stone-700">
                      <input
                        type="radio"
                        name={`${spec.provider}-mode`}
                        value={mode}
                        checked={values.mode === mode}
                        onChange={() => setValues((v) => ({ ...v, mode }))}
                        className="mt-0.5 accent-brand-700"
                      />
                      <span>
                        <span className="font-medium text-stone-900">{label}</span>{" "}
                        <span className="text-stone-500">— {detail}</span>
                      </span>
                    </label>
                  ))}
                </div>
                {form.fieldErrors["settings.mode"] ? (
                  <p role="alert" className="mt-1.5 text-sm text-red-700">
                    {withLabel("Mode", form.fieldErrors["settings.mode"])}
                  </p>
                ) : null}
              </fieldset>
            ) : null}
            <div className="grid max-w-3xl gap-4 md:grid-cols-2">
              {visible.map((field) => (
                <div
                  key={field.name}
                  className={
                    field.wide || field.kind === "checkbox"
                      ? "md:col-span-2"
                      : field.newRow
                        ? "md:col-start-1"
                        : undefined
                  }
                >
                  <FieldControl
                    field={field}
                    value={isSecret(field) ? (secrets[field.name] ?? "") : values[field.name]}
                    stored={config?.secretsSet.includes(field.name) ?? false}
                    error={errorOf(field)}
                    onChange={(value) =>
                      isSecret(field)
                        ? setSecrets((s) => ({ ...s, [field.name]: String(value) }))
                        : setValues((v) => ({ ...v, [field.name]: value }))
                    }
                  />
                </div>
              ))}
            </div>
          </fieldset>
          {test ? (
            <div
              role="status"
              data-testid="email-test-result"
              className={`flex items-start gap-2 rounded-md px-3 py-2.5 text-sm ring-1 ring-inset ${test.ok ? "bg-brand-50 text-brand-900 ring-brand-200" : "bg-red-50 text-red-800 ring-red-200"}`}
            >
              {test.ok ? (
                <CircleCheck className="mt-0.5 h-4 w-4 shrink-0" aria-hidden="true" />
              ) : (
                <CircleAlert className="mt-0.5 h-4 w-4 shrink-0" aria-hidden="true" />
              )}
              <span>{test.text}</span>
            </div>
          ) : null}
          {notice ? (
            <p role="status" className="text-sm text-brand-700">
              {notice}
            </p>
          ) : null}
          {canManage ? (
            <div className="flex flex-wrap items-center gap-2">
              <Button type="submit" disabled={form.pending}>
                {form.pending && !testing ? "Saving…" : "Save"}
              </Button>
              {spec.provider === "email" ? (
                <Button variant="secondary" onClick={testConnection} disabled={form.pending}>
                  <PlugZap className="h-4 w-4" aria-hidden="true" />
                  {testing ? "Testing…" : "Test connection"}
                </Button>
              ) : null}
              {spec.provider === "web_push" ? (
                <Button variant="secondary" onClick={generateKeys} disabled={generating}>
                  <KeyRound className="h-4 w-4" aria-hidden="true" />
                  {generating ? "Generating…" : "Generate keys"}
                </Button>
              ) : null}
              {config ? (
                <Button variant="danger" className="ml-auto" onClick={remove}>
                  <Trash2 className="h-4 w-4" aria-hidden="true" />
                  Remove<span className="sr-only"> the {spec.title} settings</span>
                </Button>
              ) : null}
            </div>
          ) : null}
        </form>
      </Card>
    </div>
  );
}

function statusLine(
  slug: string,
  spec: ProviderSpec,
  config: ChannelConfigView | null,
  embeddedRunning: boolean,
): ReactNode {
  const by = config ? `Configured by ${config.updatedByLabel} on ${formatDateTime(config.updatedAt)}.` : null;
  if (spec.provider === "email") {
    if (config?.settings.mode === "smtp")
      return `${by} Email goes to ${String(config.settings.host)}:${String(config.settings.port)}.`;
    const email = config ? "Email" : "email";
    const embedded = embeddedRunning ? (
      <>
        {email} goes to the embedded SMTP server; read it in the{" "}
        <Link href={`/w/${slug}/outbox`} className="font-medium text-brand-700 underline-offset-2 hover:underline">
          Outbox
        </Link>
        .
      </>
    ) : (
      `${email} would go to the embedded SMTP server, which is not running in this installation (CAIRN_EMBEDDED_SMTP is off).`
    );
    return (
      <>
        {by ?? "Not configured:"} {embedded}
      </>
    );
  }
  return by ?? `Not set up: ${spec.title} messages fail with “not configured” until it is.`;
}

function Status({
  spec,
  config,
  embeddedRunning,
}: {
  spec: ProviderSpec;
  config: ChannelConfigView | null;
  embeddedRunning: boolean;
}) {
  if (spec.provider === "email") {
    if (config?.settings.mode === "smtp") return <Badge tone="brand">SMTP server</Badge>;
    if (!embeddedRunning) return <Badge tone="amber">Embedded Outbox (not running)</Badge>;
    return <Badge tone={config ? "brand" : "stone"}>{config ? "Embedded Outbox" : "Embedded Outbox (default)"}</Badge>;
  }
  return config ? <Badge tone="brand">Configured</Badge> : <Badge>Not set up</Badge>;
}

const CONTROL =
  "block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-stone-900 shadow-sm ring-1 ring-inset placeholder:text-stone-400 focus:ring-2 focus:ring-inset focus:ring-brand-600 outline-none";

function FieldControl({
  field,
  value,
  stored,
  error,
  onChange,
}: {
  field: FieldSpec;
  value: string | boolean;
  stored: boolean;
  error?: string;
  onChange: (value: string | boolean) => void;
}) {
  const id = useId();
  if (field.kind === "checkbox") {
    return (
      <div>
        <label className="flex items-center gap-2 text-sm text-stone-700">
          <input
            type="checkbox"
            checked={value === true}
            onChange={(e) => onChange(e.target.checked)}
            className="accent-brand-700"
          />
          {field.label}
        </label>
        {error ? (
          <p role="alert" className="mt-1.5 text-sm text-red-700">
            {error}
          </p>
        ) : field.hint ? (
          <p className="mt-1 ml-6 text-xs text-stone-500">{field.hint}</p>
        ) : null}
      </div>
    );
  }
  const placeholder = isSecret(field) && stored ? SECRET_PLACEHOLDER : field.placeholder;
  if (field.kind === "secret-multiline") {
    // A PEM key has line breaks, which a password input would strip; the text is masked as it would be there.
    return (
      <div className="space-y-1.5">
        <label htmlFor={id} className="block text-sm font-medium text-stone-800">
          {field.label}
        </label>
        <textarea
          id={id}
          rows={stored && !value ? 2 : 5}
          value={String(value)}
          placeholder={placeholder ?? "-----BEGIN PRIVATE KEY-----…"}
          autoComplete="off"
          spellCheck={false}
          aria-invalid={!!error}
          aria-describedby={error ? `${id}-error` : `${id}-hint`}
          onChange={(e) => onChange(e.target.value)}
          className={`${CONTROL} font-mono text-xs [-webkit-text-security:disc] ${error ? "ring-red-400" : "ring-stone-300"}`}
        />
        {error ? (
          <p id={`${id}-error`} role="alert" className="text-sm text-red-700">
            {error}
          </p>
        ) : (
          <p id={`${id}-hint`} className="text-xs text-stone-500">
            {field.hint}
          </p>
        )}
      </div>
    );
  }
  return (
    <TextField
      label={field.label}
      type={field.kind === "secret" ? "password" : field.kind === "number" ? "text" : field.kind}
      inputMode={field.kind === "number" ? "numeric" : undefined}
      autoComplete={isSecret(field) ? "new-password" : "off"}
      spellCheck={false}
      value={String(value)}
      placeholder={placeholder}
      hint={field.hint}
      error={error}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}
