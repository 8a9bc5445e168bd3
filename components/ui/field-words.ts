/**
 * A validation problem's field path in words, for the messages a form cannot place next to a control: the API
 * names fields by their JSON path ("nodes", "rules.rules.0.value", "settings.apiKey"), which means nothing to the
 * person filling the form. "rules.rules.0.value" → "Rule 1 value", "settings.apiKey" → "Settings: API key".
 */

const WORDS: Record<string, string> = {
  // journey-level problems ("a journey needs exactly one trigger") say what they are about themselves
  nodes: "",
  edges: "connections",
  apiKey: "API key",
  url: "URL",
  id: "",
  config: "",
  settings: "settings",
  smtp: "SMTP",
  http: "HTTP",
  json: "JSON",
  from: "sender",
};

/** "rules" → "rule", "entries" → "entry", for a list item ("rule 1"). */
function singular(word: string): string {
  if (/ies$/.test(word)) return word.replace(/ies$/, "y");
  if (/(ss|us)$/.test(word)) return word;
  return word.replace(/s$/, "");
}

/** camelCase and snake_case into lower-case words; acronyms stay upper case. */
function words(segment: string): string {
  if (segment in WORDS) return WORDS[segment];
  return segment
    .replace(/_/g, " ")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/\b(Id|Url|Api|Smtp|Http|Json)\b/gi, (w) => (w.toLowerCase() === "id" ? "" : w.toUpperCase()))
    .toLowerCase()
    .replace(/\b(url|api|smtp|http|json)\b/g, (w) => w.toUpperCase())
    .replace(/\s+/g, " ")
    .trim();
}

export function fieldPathWords(path: string): string {
  const parts: string[] = [];
  for (const segment of path.split(".").filter(Boolean)) {
    if (/^\d+$/.test(segment)) {
      // a list index: "rules.0" → "rule 1"
      const last = parts.pop();
      parts.push(`${last ? singular(last) : "item"} ${Number(segment) + 1}`);
      continue;
    }
    const w = words(segment);
    // a group nested in a group of the same name ("rules.rules") reads once
    if (w && w !== parts[parts.length - 1]) parts.push(w);
  }
  const text = parts.join(" ").replace(/\s+/g, " ").trim();
  return text ? text[0].toUpperCase() + text.slice(1) : "";
}

/** "Rule 1 value: must not be empty"; the message alone (capitalised) when the path says nothing. */
export function describeFieldProblem(path: string, message: string): string {
  const field = fieldPathWords(path);
  return field ? `${field}: ${message}` : message ? message[0].toUpperCase() + message.slice(1) : message;
}
