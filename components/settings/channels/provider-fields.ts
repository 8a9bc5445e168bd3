import type { ProviderName } from "@/lib/messaging/channel-config";

/**
 * What each provider's form shows. The names are the keys of the provider's settings and secrets in
 * lib/messaging/channel-config.ts; the server validates, this only lays the form out.
 */
export interface FieldSpec {
  name: string;
  label: string;
  kind: "text" | "email" | "number" | "url" | "checkbox" | "secret" | "secret-multiline";
  placeholder?: string;
  hint?: string;
  /** email: shown (and sent) only in SMTP mode */
  smtpOnly?: boolean;
  /** filled in for a new configuration; left blank, the field is left out and the server's default applies */
  initial?: string;
  /** spans both columns of the form */
  wide?: boolean;
  /** starts a new row of the form */
  newRow?: boolean;
}

export interface ProviderSpec {
  provider: ProviderName;
  title: string;
  description: string;
  fields: FieldSpec[];
}

export const PROVIDER_SPECS: ProviderSpec[] = [
  {
    provider: "email",
    title: "Email",
    description: "Where email messages go: the embedded Outbox (nothing leaves this machine) or your SMTP server.",
    fields: [
      { name: "fromAddress", label: "From address", kind: "email", placeholder: "news@example.com" },
      {
        name: "fromName",
        label: "From name",
        kind: "text",
        placeholder: "Acme",
        hint: "Optional: the name people see next to the address.",
      },
      {
        name: "replyTo",
        label: "Reply-to address",
        kind: "email",
        placeholder: "support@example.com",
        hint: "Optional: where replies go.",
      },
      { name: "host", label: "Host", kind: "text", placeholder: "smtp.example.com", smtpOnly: true, newRow: true },
      {
        name: "port",
        label: "Port",
        kind: "number",
        placeholder: "587",
        hint: "Usually 587 (STARTTLS) or 465 (implicit TLS).",
        smtpOnly: true,
      },
      {
        name: "secure",
        label: "Implicit TLS (SMTPS)",
        kind: "checkbox",
        hint: "On for servers that expect TLS from the first byte, usually on 465. Off: STARTTLS is used when the server offers it.",
        smtpOnly: true,
        wide: true,
      },
      {
        name: "user",
        label: "Username",
        kind: "text",
        hint: "Leave empty when the server needs no login.",
        smtpOnly: true,
        newRow: true,
      },
      { name: "password", label: "Password", kind: "secret", smtpOnly: true },
    ],
  },
  {
    provider: "sms",
    title: "SMS",
    description: "Text messages through Twilio’s Messages API, or any service that speaks it.",
    fields: [
      { name: "accountSid", label: "Account SID", kind: "text", placeholder: "AC…" },
      { name: "authToken", label: "Auth token", kind: "secret" },
      {
        name: "from",
        label: "Sender",
        kind: "text",
        placeholder: "+15551234567 or MG…",
        hint: "A phone number in E.164 form, or a Messaging Service SID.",
      },
      {
        name: "baseUrl",
        label: "API base URL",
        kind: "url",
        initial: "https://api.twilio.com",
        hint: "Change only for a Twilio-compatible service.",
      },
    ],
  },
  {
    provider: "web_push",
    title: "Web Push",
    description: "Browser notifications (VAPID). Your site subscribes visitors with the public key.",
    fields: [
      {
        name: "vapidPublicKey",
        label: "VAPID public key",
        kind: "text",
        wide: true,
        hint: "Give this to your site’s service worker registration (applicationServerKey).",
      },
      { name: "vapidPrivateKey", label: "VAPID private key", kind: "secret" },
      {
        name: "subject",
        label: "Contact (subject)",
        kind: "text",
        placeholder: "mailto:you@example.com",
        hint: "A mailto: or https: address push services can reach you at.",
      },
    ],
  },
  {
    provider: "fcm",
    title: "Firebase Cloud Messaging",
    description: "Push notifications to Android and iOS apps through FCM HTTP v1, with a service account.",
    fields: [
      { name: "projectId", label: "Project id", kind: "text", placeholder: "my-app-1234" },
      {
        name: "clientEmail",
        label: "Service account email",
        kind: "email",
        placeholder: "cairn@my-app-1234.iam.gserviceaccount.com",
      },
      {
        name: "privateKey",
        label: "Service account private key",
        kind: "secret-multiline",
        wide: true,
        hint: "The private_key of the service account’s JSON key file, from -----BEGIN PRIVATE KEY----- to -----END PRIVATE KEY-----.",
      },
      {
        name: "tokenUrl",
        label: "Token URL",
        kind: "url",
        placeholder: "https://oauth2.googleapis.com/token",
        hint: "Optional: only to use another OAuth endpoint.",
      },
      {
        name: "apiBaseUrl",
        label: "API base URL",
        kind: "url",
        placeholder: "https://fcm.googleapis.com",
        hint: "Optional: only to use another FCM endpoint.",
      },
    ],
  },
];

export const SECRET_PLACEHOLDER = "•••• stored — leave blank to keep";

export function isSecret(field: FieldSpec): boolean {
  return field.kind === "secret" || field.kind === "secret-multiline";
}

/**
 * The API's messages read "<field> must …" ("is required for SMTP, e.g. 587"); beside the field they get its
 * label ("Port is required for SMTP, e.g. 587"). Messages that are already sentences stay as they are.
 */
export function withLabel(label: string, message: string | undefined): string | undefined {
  if (!message) return undefined;
  return /^[a-z]/.test(message) ? `${label} ${message}` : message;
}
