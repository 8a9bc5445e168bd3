"use client";

import { Pencil, Plus, ShieldAlert, Trash2, Webhook } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import type { TWebhookMapping, WebhookSourceListing, WebhookSourceSummary } from "@/lib/ingest/webhook-sources";
import { Button } from "../ui/button";
import { Badge, Card } from "../ui/card";
import { CopyField } from "../ui/copy-field";
import { FormAlert, TextField } from "../ui/field";
import { LocalTime } from "../ui/local-time";
import { api } from "../api/client";
import { useApiForm } from "../ui/use-api-form";
import { describeFieldProblem } from "../ui/field-words";

interface Props {
  slug: string;
  origin: string;
  /** viewers get names and last deliveries only: no ids, so no URLs or mappings (lib/ingest/webhook-source-refs.ts) */
  sources: WebhookSourceListing[];
  canManage: boolean;
  signatureHeaders: readonly string[];
}

type MappingKey = keyof TWebhookMapping;

/** The mapping fields in form order, with what each one means and an example. */
const MAPPING_FIELDS: { key: MappingKey; label: string; placeholder: string; hint: string }[] = [
  {
    key: "userIdPath",
    label: "User id path",
    placeholder: "customer.id",
    hint: "Where the person’s user id is in the payload.",
  },
  {
    key: "anonymousIdPath",
    label: "Anonymous id path",
    placeholder: "visitor_token",
    hint: "For payloads without a user id. One of the two is needed.",
  },
  {
    key: "eventName",
    label: "Fixed event name",
    placeholder: "Order Placed",
    hint: "Every delivery becomes this event…",
  },
  {
    key: "eventNamePath",
    label: "Event name path",
    placeholder: "topic",
    hint: "…or read the event name from the payload.",
  },
  {
    key: "timestampPath",
    label: "Timestamp path",
    placeholder: "created_at",
    hint: "ISO 8601. Empty: the time Cairn receives it.",
  },
  {
    key: "messageIdPath",
    label: "Delivery id path",
    placeholder: "id",
    hint: "A unique id per delivery, so a redelivery counts once.",
  },
  {
    key: "propertiesPath",
    label: "Properties path",
    placeholder: "$.order",
    hint: "Empty: the whole payload becomes the event’s properties.",
  },
];
const GROUPS: { legend: string; keys: MappingKey[] }[] = [
  { legend: "Who it is about", keys: ["userIdPath", "anonymousIdPath"] },
  { legend: "Which event", keys: ["eventName", "eventNamePath"] },
  { legend: "Optional", keys: ["timestampPath", "messageIdPath", "propertiesPath"] },
];
const SHOWN_FIELDS = new Set<string>(["name", "signingSecret", ...MAPPING_FIELDS.map((f) => `mapping.${f.key}`)]);

/** Editors and up get a source's id, URL and mapping; viewers its name and last delivery (a type-only import: lib/ingest is server code). */
function isDetailedSource(source: WebhookSourceListing): source is WebhookSourceSummary {
  return "id" in source;
}

function webhookUrl(origin: string, id: string): string {
  return `${origin}/api/v1/webhooks/${id}`;
}

/**
 * Shown on every source without a signing secret, in the list and right after it is created: its URL is
 * then its only credential, and anyone who learns it (a log, a screenshot, a shared config) can send
 * events as it.
 */
export function UnsignedWarning({ name }: { name: string }) {
  return (
    <div
      className="mt-3 flex max-w-3xl items-start gap-2 rounded-lg bg-amber-50 p-3 text-sm text-amber-900 ring-1 ring-amber-200"
      role="alert"
      data-testid={`unsigned-warning-${name}`}
    >
      <ShieldAlert className="mt-0.5 h-4 w-4 shrink-0" aria-hidden="true" />
      <p>
        <strong>No signing secret.</strong> Anyone who knows this URL can send events as “{name}”. Set a signing secret
        (Edit) and have the sending system sign each delivery, so forged deliveries are refused.
      </p>
    </div>
  );
}

export function WebhookSourcesPanel({ slug, origin, sources, canManage, signatureHeaders }: Props) {
  const router = useRouter();
  const [created, setCreated] = useState<WebhookSourceSummary | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);

  async function remove(source: WebhookSourceSummary) {
    if (
      !confirm(
        `Delete the webhook source “${source.name}”? Deliveries to its URL will be refused at once; events already received stay.`,
      )
    )
      return;
    setRowError(null);
    const result = await api.settings.removeWebhookSource(slug, source.id);
    if (!result.ok) setRowError(result.error.message);
    if (created?.id === source.id) setCreated(null);
    router.refresh();
  }

  const addButton = (
    <Button
      variant="secondary"
      onClick={() => {
        setAdding(true);
        setCreated(null);
      }}
    >
      <Plus className="h-4 w-4" aria-hidden="true" />
      Add webhook source
    </Button>
  );

  return (
    <div className="space-y-6">
      <Card
        title="Webhook sources"
        description="For shops, CRMs and other systems that cannot send Segment calls. Each delivery becomes a track event."
        actions={canManage && !adding && sources.length > 0 ? addButton : undefined}
      >
        <FormAlert message={rowError} />
        {created ? (
          <div className="mb-5 space-y-2 rounded-lg bg-brand-50 p-4 ring-1 ring-brand-200" role="status">
            <p className="text-sm text-brand-900">
              Source <strong>“{created.name}”</strong> added. Point its webhook at this URL (method POST, JSON body):
            </p>
            <CopyField
              label={`Webhook URL of ${created.name}`}
              value={webhookUrl(origin, created.id)}
              testId="new-webhook-url"
            />
            {created.signed ? null : <UnsignedWarning name={created.name} />}
          </div>
        ) : null}
        {adding ? (
          <div className="mb-5 rounded-lg bg-stone-50 p-5 ring-1 ring-stone-200">
            <h3 className="text-sm font-semibold text-stone-900">New webhook source</h3>
            <p className="mt-1 mb-4 text-sm text-stone-600">
              The mapping says where, in each delivery’s JSON, Cairn finds the person and the event name.
            </p>
            <SourceForm
              slug={slug}
              onCancel={() => setAdding(false)}
              onSaved={(source) => {
                setAdding(false);
                setCreated(source);
                router.refresh();
              }}
            />
          </div>
        ) : null}
        {sources.length === 0 ? (
          adding ? null : (
            <div className="flex flex-wrap items-center justify-between gap-4">
              <div className="flex items-start gap-3 text-sm text-stone-500">
                <Webhook className="mt-0.5 h-5 w-5 shrink-0 text-stone-400" aria-hidden="true" />
                <p>No webhook sources yet. {canManage ? null : "An admin or owner of this workspace can add one."}</p>
              </div>
              {canManage ? addButton : null}
            </div>
          )
        ) : (
          <ul className={`${created || adding || rowError ? "" : "-mt-5"} -mb-5 divide-y divide-stone-100`}>
            {sources.map((source) =>
              isDetailedSource(source) ? (
                <li key={source.key} className="py-5" data-testid={`webhook-source-${source.name}`}>
                  <div className="flex flex-wrap items-start justify-between gap-3">
                    <div className="min-w-0">
                      <h3 className="flex flex-wrap items-center gap-2 text-sm font-semibold text-stone-900">
                        {source.name}
                        <Badge tone={source.signed ? "brand" : "stone"}>{source.signed ? "Signed" : "Unsigned"}</Badge>
                      </h3>
                      <p className="mt-0.5 text-xs text-stone-500">
                        Added <LocalTime iso={source.createdAt} /> ·{" "}
                        {source.lastReceivedAt ? (
                          <>
                            last delivery <LocalTime iso={source.lastReceivedAt} />
                          </>
                        ) : (
                          "no deliveries yet"
                        )}
                      </p>
                    </div>
                    {canManage && editing !== source.id ? (
                      <div className="flex gap-2">
                        <Button
                          variant="secondary"
                          className="px-2.5 py-1.5 text-xs"
                          onClick={() => setEditing(source.id)}
                        >
                          <Pencil className="h-3.5 w-3.5" aria-hidden="true" />
                          Edit<span className="sr-only"> {source.name}</span>
                        </Button>
                        <Button variant="danger" className="px-2.5 py-1.5 text-xs" onClick={() => remove(source)}>
                          <Trash2 className="h-3.5 w-3.5" aria-hidden="true" />
                          Delete<span className="sr-only"> {source.name}</span>
                        </Button>
                      </div>
                    ) : null}
                  </div>
                  <div className="mt-3 max-w-3xl">
                    <CopyField
                      label={`Webhook URL of ${source.name}`}
                      value={webhookUrl(origin, source.id)}
                      testId={`webhook-url-${source.name}`}
                    />
                  </div>
                  {source.signed ? null : <UnsignedWarning name={source.name} />}
                  {editing === source.id ? (
                    <div className="mt-4 rounded-lg bg-stone-50 p-5 ring-1 ring-stone-200">
                      <h4 className="mb-4 text-sm font-semibold text-stone-900">Edit “{source.name}”</h4>
                      <SourceForm
                        slug={slug}
                        source={source}
                        onCancel={() => setEditing(null)}
                        onSaved={() => {
                          setEditing(null);
                          router.refresh();
                        }}
                      />
                    </div>
                  ) : (
                    <MappingSummary mapping={source.mapping} />
                  )}
                </li>
              ) : (
                <li key={source.key} className="py-5" data-testid={`webhook-source-${source.name}`}>
                  <h3 className="text-sm font-semibold text-stone-900">{source.name}</h3>
                  <p className="mt-0.5 text-xs text-stone-500">
                    {source.lastReceivedAt ? (
                      <>
                        Last delivery <LocalTime iso={source.lastReceivedAt} />
                      </>
                    ) : (
                      "No deliveries yet"
                    )}
                  </p>
                </li>
              ),
            )}
          </ul>
        )}
      </Card>

      <Card title="Deliveries and signatures">
        <ul className="space-y-2 text-sm text-stone-700">
          <li>
            A delivery is a <code className="font-mono text-xs">POST</code> with a JSON object, or an array of objects
            (one event each). Paths are dot-separated keys and array indexes:{" "}
            <code className="font-mono text-xs">customer.id</code>,{" "}
            <code className="font-mono text-xs">$.line_items.0.sku</code>.
          </li>
          <li>
            With a signing secret, each delivery must carry the HMAC-SHA256 of the raw request body, keyed with the
            secret, as hex or base64 (a <code className="font-mono text-xs">sha256=</code> prefix is fine), in one of
            these headers:{" "}
            {signatureHeaders.map((header, i) => (
              <span key={header}>
                {i > 0 ? ", " : null}
                <code className="font-mono text-xs">{header}</code>
              </span>
            ))}
            . Deliveries without a valid signature are refused with 401.
          </li>
          <li>Without a secret, the unguessable URL is the only protection: keep it private.</li>
        </ul>
      </Card>
    </div>
  );
}

function MappingSummary({ mapping }: { mapping: TWebhookMapping }) {
  const path = (value: string | undefined, fallback: string) =>
    value ? (
      <code className="font-mono text-xs text-stone-800">{value}</code>
    ) : (
      <span className="text-stone-400">{fallback}</span>
    );
  const rows = [
    { label: "User id", value: path(mapping.userIdPath, "—") },
    { label: "Anonymous id", value: path(mapping.anonymousIdPath, "—") },
    {
      label: "Event name",
      value: mapping.eventName ? (
        <span className="text-stone-800">“{mapping.eventName}” (fixed)</span>
      ) : (
        path(mapping.eventNamePath, "—")
      ),
    },
    { label: "Timestamp", value: path(mapping.timestampPath, "when received") },
    { label: "Delivery id", value: path(mapping.messageIdPath, "generated") },
    { label: "Properties", value: path(mapping.propertiesPath, "the whole payload") },
  ];
  return (
    <dl className="mt-4 grid gap-x-6 gap-y-2.5 text-sm sm:grid-cols-2 lg:grid-cols-3" aria-label="Mapping">
      {rows.map((row) => (
        <div key={row.label} className="min-w-0">
          <dt className="text-xs text-stone-500">{row.label}</dt>
          <dd className="mt-0.5 truncate">{row.value}</dd>
        </div>
      ))}
    </dl>
  );
}

function SourceForm({
  slug,
  source,
  onSaved,
  onCancel,
}: {
  slug: string;
  source?: WebhookSourceSummary;
  onSaved: (source: WebhookSourceSummary) => void;
  onCancel?: () => void;
}) {
  const form = useApiForm();
  const [removeSecret, setRemoveSecret] = useState(false);
  const leftover = Object.entries(form.fieldErrors).filter(([path]) => !SHOWN_FIELDS.has(path));
  // The API's messages read as "<field> must …"; beside their field they start a sentence.
  const errorOf = (path: string) => {
    const message = form.fieldErrors[path];
    return message ? message.charAt(0).toUpperCase() + message.slice(1) : undefined;
  };

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const data = new FormData(formElement);
    const text = (name: string) => {
      const value = String(data.get(name) ?? "").trim();
      return value === "" ? undefined : value;
    };
    const mapping = Object.fromEntries(
      MAPPING_FIELDS.map((f) => [f.key, text(f.key)]).filter(([, v]) => v !== undefined),
    );
    const secret = String(data.get("signingSecret") ?? "");
    const body = {
      name: String(data.get("name") ?? ""),
      mapping,
      // On edit, no value keeps the current secret (undefined); null removes it.
      signingSecret: removeSecret ? null : secret === "" ? undefined : secret,
    };
    const saved = source
      ? await form.submit(api.settings.updateWebhookSource(slug, source.id, body))
      : await form.submit(api.settings.createWebhookSource(slug, body));
    if (saved) {
      if (!source) formElement.reset();
      setRemoveSecret(false);
      onSaved(saved);
    }
  }

  const fieldOf = (key: MappingKey) => MAPPING_FIELDS.find((f) => f.key === key)!;

  return (
    <form
      method="post"
      onSubmit={onSubmit}
      className="space-y-5"
      noValidate
      aria-label={source ? `Edit ${source.name}` : "New webhook source"}
    >
      <FormAlert message={form.formError} />
      {leftover.length > 0 ? (
        <FormAlert message={leftover.map(([path, message]) => describeFieldProblem(path, message)).join(" · ")} />
      ) : null}
      <div className="max-w-md">
        <TextField
          label="Name"
          name="name"
          defaultValue={source?.name}
          placeholder="e.g. Shop orders"
          required
          maxLength={80}
          error={errorOf("name")}
          autoFocus
        />
      </div>
      {GROUPS.map((group) => (
        <fieldset key={group.legend}>
          <legend className="text-sm font-semibold text-stone-900">{group.legend}</legend>
          <div className={`mt-2 grid gap-4 ${group.keys.length === 3 ? "md:grid-cols-3" : "md:grid-cols-2"}`}>
            {group.keys.map((key) => {
              const field = fieldOf(key);
              return (
                <TextField
                  key={key}
                  label={field.label}
                  name={key}
                  defaultValue={source?.mapping[key]}
                  placeholder={`e.g. ${field.placeholder}`}
                  hint={field.hint}
                  autoComplete="off"
                  spellCheck={false}
                  error={errorOf(`mapping.${key}`)}
                />
              );
            })}
          </div>
        </fieldset>
      ))}
      <fieldset>
        <legend className="text-sm font-semibold text-stone-900">Signature</legend>
        <div className="mt-2 max-w-md space-y-3">
          {removeSecret ? null : (
            <TextField
              label={source?.signed ? "New signing secret" : "Signing secret (optional)"}
              name="signingSecret"
              type="password"
              autoComplete="new-password"
              placeholder={source?.signed ? "Unchanged" : "At least 8 characters"}
              hint={
                source?.signed
                  ? "A secret is set. Leave this empty to keep it."
                  : "Recommended: the secret your system signs deliveries with. Empty: anyone who knows the URL can send events as this source."
              }
              error={errorOf("signingSecret")}
            />
          )}
          {source?.signed ? (
            <label className="flex items-center gap-2 text-sm text-stone-700">
              <input
                type="checkbox"
                checked={removeSecret}
                onChange={(e) => setRemoveSecret(e.target.checked)}
                className="accent-brand-700"
              />
              Remove the signing secret (accept unsigned deliveries)
            </label>
          ) : null}
        </div>
      </fieldset>
      <div className="flex items-center gap-2">
        <Button type="submit" disabled={form.pending}>
          {source ? null : <Plus className="h-4 w-4" aria-hidden="true" />}
          {form.pending ? "Saving…" : source ? "Save changes" : "Add source"}
        </Button>
        {onCancel ? (
          <Button variant="ghost" onClick={onCancel}>
            Cancel
          </Button>
        ) : null}
      </div>
    </form>
  );
}
