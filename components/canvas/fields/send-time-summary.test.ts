import { describe, expect, it } from "vitest";
import { summarize } from "../node-text";

describe("best-time steps on the canvas", () => {
  it("a message step sent at the best time says so beside its template; at once it shows the template alone", () => {
    const names = new Map([["tpl-1", "Welcome"]]);
    expect(summarize("action.email", { templateId: "tpl-1", sendTime: { mode: "best", within: "7d" } }, names)).toBe(
      "Welcome · best time within 7 days",
    );
    expect(summarize("action.sms", { templateId: "tpl-1", sendTime: { mode: "now" } }, names)).toBe("Welcome");
    expect(summarize("action.push", { sendTime: { mode: "best", within: "24h" } })).toBe(
      "Choose a template · best time within 24 hours",
    );
  });

  it("the best-time delay names its window", () => {
    expect(summarize("delay.best_time", { within: "24h" })).toBe("Their best time within 24 hours");
    expect(summarize("delay.best_time", {})).toBe("Their best time within —");
  });
});
