import { describe, expect, it } from "vitest";
import { nodemailerTextEncoding, textEncodingFor } from "./mime-text-encoding";

/** nodemailer's own choice for `value` on a node whose textEncoding option is `preferred` */
const nodemailers = (value: unknown, preferred = "") => nodemailerTextEncoding.call({ textEncoding: preferred }, value);

describe("textEncodingFor", () => {
  it("chooses as nodemailer does: quoted-printable for mostly latin text, base64 for mostly other text", () => {
    const texts: unknown[] = [
      "",
      "Hello Ada",
      "<p>Hi Ada,</p><p>Your pro plan now includes scheduled exports.</p>",
      "Ünïcödé ßtraße",
      "日本語のメール、こんにちは",
      "日本語 mixed with some English words here",
      "😀😀😀 emoji",
      "ſ K Å ﬀ", // letters whose case folding reaches ASCII: not latin to /[a-z]/gi
      "\u0000\u0001\u0008\u000b\u000c\u000e\u001f\u007f\t\n\r tab",
      "\ud800 lone surrogates \udfff",
      "a".repeat(10_000) + "é".repeat(9_999),
      "a".repeat(5) + "é".repeat(5),
      Buffer.from("bytes as a Buffer, ünïcode"),
      null,
      undefined,
      0,
      12345,
    ];
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let n = 0; n < 500; n++) {
      let text = "";
      const length = Math.floor(random() * 60);
      for (let i = 0; i < length; i++)
        text += String.fromCharCode(random() < 0.5 ? 32 + Math.floor(random() * 96) : Math.floor(random() * 0x10000));
      texts.push(text);
    }
    for (const text of texts) expect(textEncodingFor(text, ""), JSON.stringify(text)).toBe(nodemailers(text));
  });

  it("keeps a preferred encoding the message set", () => {
    for (const preferred of ["Q", "B", "X"])
      expect(textEncodingFor("日本語", preferred)).toBe(nodemailers("日本語", preferred));
  });
});
