/**
 * Puts an email's rendered HTML into its layout's rendered HTML at the content slot.
 *
 * A code email's HTML is a fragment and goes in as it is. A visual email's HTML is a whole document (MJML writes
 * `<html>`, a `<head>` with the responsive `<style>` blocks and Outlook conditionals, and a `<body>`): nesting it
 * inside the layout's document would give two `<html>` elements and lose the head styles in clients that read styles
 * only from the head (Gmail among them). So its body goes into the slot and its head (less its title and meta tags,
 * which are the layout's to set) goes at the end of the layout's head. MJML's output has one head and one body, so a
 * pattern match is exact here; a layout without a `<head>` gets the styles just before the content instead.
 */
export function wrapInLayout(layoutHtml: string, slot: string, emailHtml: string): string {
  const document = splitDocument(emailHtml);
  if (!document) return layoutHtml.replace(slot, () => emailHtml);
  const found = layoutHtml.search(/<\/head\s*>/i);
  // (a slot before the head's end would move it: then the styles go with the content)
  const headEnd = found !== -1 && found < layoutHtml.indexOf(slot) ? found : -1;
  const withBody = layoutHtml.replace(slot, () =>
    headEnd === -1 ? `${document.head}${document.body}` : document.body,
  );
  if (headEnd === -1) return withBody;
  // the slot sits in the body, after the head: the head's end is still where it was
  return `${withBody.slice(0, headEnd)}${document.head}${withBody.slice(headEnd)}`;
}

function splitDocument(html: string): { head: string; body: string } | null {
  if (!/^\s*(<!doctype[^>]*>\s*)?<html[\s>]/i.test(html)) return null;
  const head = /<head[^>]*>([\s\S]*?)<\/head\s*>/i.exec(html)?.[1] ?? "";
  const body = /<body[^>]*>([\s\S]*)<\/body\s*>/i.exec(html)?.[1];
  if (body === undefined) return null;
  return {
    head: head
      .replace(/<title[^>]*>[\s\S]*?<\/title\s*>/gi, "")
      .replace(/<meta\b[^>]*>/gi, "")
      .trim(),
    body,
  };
}
