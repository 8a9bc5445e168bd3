import { describe, expect, it } from "vitest";
import { scheduleJourneysCron } from "./schedule-journeys";

describe("scheduleJourneysCron", () => {
  it("runs every minute on Inngest and every 5 s on the embedded executor", () => {
    expect(scheduleJourneysCron({})).toBe("* * * * *");
    expect(scheduleJourneysCron({ CAIRN_WAKE_DUE_CRON: "* * * * *" })).toBe("* * * * *");
    expect(scheduleJourneysCron({ CAIRN_WAKE_DUE_CRON: "* * * * * *" })).toBe("*/5 * * * * *");
  });

  it("takes an override, and falls back to the embedded default for one that is not a cron", () => {
    expect(scheduleJourneysCron({ CAIRN_SCHEDULE_JOURNEYS_CRON: "*/2 * * * *" })).toBe("*/2 * * * *");
    expect(
      scheduleJourneysCron({ CAIRN_SCHEDULE_JOURNEYS_CRON: "0 * * * * *", CAIRN_WAKE_DUE_CRON: "* * * * *" }),
    ).toBe("0 * * * * *");
    expect(scheduleJourneysCron({ CAIRN_SCHEDULE_JOURNEYS_CRON: "every minute" })).toBe("*/5 * * * * *");
  });
});
