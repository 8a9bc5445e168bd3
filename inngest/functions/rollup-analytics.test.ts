import { describe, expect, it } from "vitest";
import { analyticsRollupCron } from "./rollup-analytics";

describe("analyticsRollupCron", () => {
  it("runs every minute on Inngest and every 30 s on the embedded executor", () => {
    expect(analyticsRollupCron({})).toBe("* * * * *");
    expect(analyticsRollupCron({ CAIRN_WAKE_DUE_CRON: "* * * * *" })).toBe("* * * * *");
    expect(analyticsRollupCron({ CAIRN_WAKE_DUE_CRON: "* * * * * *" })).toBe("*/30 * * * * *");
  });

  it("takes an override no faster than every 30 s", () => {
    expect(analyticsRollupCron({ CAIRN_ANALYTICS_ROLLUP_CRON: "*/5 * * * *" })).toBe("*/5 * * * *");
    expect(analyticsRollupCron({ CAIRN_ANALYTICS_ROLLUP_CRON: "15,45 * * * * *" })).toBe("15,45 * * * * *");
    expect(analyticsRollupCron({ CAIRN_ANALYTICS_ROLLUP_CRON: "0 * * * * *" })).toBe("0 * * * * *");
    expect(analyticsRollupCron({ CAIRN_ANALYTICS_ROLLUP_CRON: "* * * * * *" })).toBe("*/30 * * * * *");
    expect(analyticsRollupCron({ CAIRN_ANALYTICS_ROLLUP_CRON: "0,10 * * * * *" })).toBe("*/30 * * * * *");
    expect(analyticsRollupCron({ CAIRN_ANALYTICS_ROLLUP_CRON: "not a cron" })).toBe("*/30 * * * * *");
  });
});
