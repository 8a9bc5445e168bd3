import MimeNode from "nodemailer/lib/mime-node";

/**
 * A faster equivalent of nodemailer's choice between quoted-printable and base64 for a text (MimeNode's
 * `_getTextEncoding`, nodemailer 7): it counted with `value.match(/[a-z]/gi)` and `value.match(/[\x00-\x08…\uFFFF]/g)`,
 * which build an array with a string per letter of the whole HTML body, about a tenth of an SMTP sender thread's
 * CPU in bench:broadcast. This counts the same UTF-16 code units in one loop, so every message is encoded exactly as
 * before (mime-text-encoding.test.ts compares the two on many texts).
 */
export function textEncodingFor(value: unknown, preferred: string): string {
  if (preferred) return preferred; // the message's textEncoding option, as nodemailer has it
  const text = value ? String(value) : "";
  let latin = 0;
  let nonLatin = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)) latin++;
    else if (c >= 0x80 || c <= 0x08 || c === 0x0b || c === 0x0c || (c >= 0x0e && c <= 0x1f)) nonLatin++;
  }
  // as nodemailer: more latin letters than binary or non-ASCII code units is quoted-printable, otherwise base64
  return nonLatin < latin ? "Q" : "B";
}

type WithTextEncoding = { textEncoding: string; _getTextEncoding(value: unknown): string };

/** nodemailer's own, kept for the comparison in the tests. */
export const nodemailerTextEncoding = (MimeNode.prototype as unknown as WithTextEncoding)._getTextEncoding;

/** Puts textEncodingFor in MimeNode's place, in the SMTP sender threads (smtp-worker.mjs). */
export function installFastTextEncoding(): void {
  (MimeNode.prototype as unknown as WithTextEncoding)._getTextEncoding = function (this: WithTextEncoding, value) {
    return textEncodingFor(value, this.textEncoding);
  };
}
