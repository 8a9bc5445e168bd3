/** The server's render of a time in a client component: UTC, the zone named, the machine-readable time kept. */
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { LocalTime, LocalTimesInText } from "./local-time";

describe("LocalTime", () => {
  it("renders UTC on the server and says so (the browser then switches to its own zone and names it)", () => {
    const html = renderToStaticMarkup(createElement(LocalTime, { iso: "2026-12-06T14:05:09.000Z" }));
    expect(html).toBe(
      '<time dateTime="2026-12-06T14:05:09.000Z" title="6 Dec 2026, 14:05:09 (UTC)">6 Dec 2026, 14:05 (UTC)</time>',
    );
    expect(renderToStaticMarkup(createElement(LocalTime, { iso: null }))).toBe("—");
  });

  it("rewrites the ISO times inside a sentence", () => {
    expect(
      renderToStaticMarkup(createElement(LocalTimesInText, { text: "Waiting until 2026-12-08T09:00:00.000Z" })),
    ).toBe("Waiting until 8 Dec 2026, 09:00 (UTC)");
  });
});
