/**
 * Liquid inside a visual email must come out of MJML byte for byte: MJML's XML parser, its attribute handling and
 * the rich-text sanitizer would otherwise be free to entity-escape quotes (`&quot;` inside `{{ x | default: "a" }}`)
 * or touch braces. So every `{{ … }}` and `{% … %}` span is swapped for an opaque word of letters and digits before
 * anything else reads the text, and swapped back at the very end. The word carries a random nonce, so text that
 * happens to look like a placeholder is never restored into Liquid.
 */

const LIQUID_SPAN = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g;

export interface LiquidSpans {
  /** the text with each Liquid span replaced by its placeholder */
  text: string;
  /** put the spans back into any text derived from `text` (attributes, markup and all) */
  restore: (derived: string) => string;
  /** the placeholder prefix, so a checker can tell placeholders from other text */
  marker: string;
}

/** A store of spans shared by every piece of one document, so one restore at the end puts all of them back. */
export class LiquidVault {
  private readonly spans: string[] = [];
  readonly marker = `cairnlq${Math.random().toString(36).slice(2, 10)}n`;

  /** Replaces each Liquid span in `text` with a placeholder (letters and digits only: safe in text, attributes and URLs). */
  protect(text: string): string {
    return text.replace(LIQUID_SPAN, (span) => {
      this.spans.push(span);
      return `${this.marker}${this.spans.length - 1}x`;
    });
  }

  /** Puts every placeholder back as the Liquid it stands for. */
  restore(derived: string): string {
    const pattern = new RegExp(`${this.marker}(\\d+)x`, "g");
    return derived.replace(pattern, (whole, index: string) => this.spans[Number(index)] ?? whole);
  }

  /** Whether `text` (already protected) is exactly one placeholder, e.g. an href that is all Liquid. */
  startsWithPlaceholder(text: string): boolean {
    return text.startsWith(this.marker);
  }
}

export function protectLiquid(text: string): LiquidSpans {
  const vault = new LiquidVault();
  return { text: vault.protect(text), restore: (derived) => vault.restore(derived), marker: vault.marker };
}

/** Whether `text` has Liquid in it. */
export const hasLiquid = (text: string): boolean => /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/.test(text);
