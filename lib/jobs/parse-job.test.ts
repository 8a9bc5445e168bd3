import { NonRetriableError } from "inngest";
import { describe, expect, it } from "vitest";
import { ENROLLMENT_ADVANCE, EnrollmentAdvanceData, SEGMENT_CHANGED, SegmentChangedData } from "./contracts";
import { advanceEvents, segmentChangedEvents } from "./events";
import { parseJob } from "./parse-job";

describe("parseJob", () => {
  it("returns the payload a builder made, unchanged", () => {
    const [event] = advanceEvents([
      {
        enrollmentId: "e1",
        webhook: {
          workspaceId: "w1",
          enrollmentId: "e1",
          nodeId: "n1",
          visit: 2,
          request: { url: "https://example.com/hook", method: "POST", headers: { "x-a": "1" }, body: "{}" },
        },
      },
    ]);
    expect(parseJob(EnrollmentAdvanceData, event)).toEqual(event.data);
    const [changed] = segmentChangedEvents([{ workspaceId: "w1", fromId: "1", toId: "9" }]);
    expect(parseJob(SegmentChangedData, changed)).toEqual({ workspaceId: "w1", fromId: "1", toId: "9" });
  });

  it("fails without retries, naming the event and the field, when the payload does not match", () => {
    const bad = { name: SEGMENT_CHANGED, data: { workspaceId: "w1", fromId: 1, toId: "9" } };
    expect(() => parseJob(SegmentChangedData, bad)).toThrow(NonRetriableError);
    expect(() => parseJob(SegmentChangedData, bad)).toThrow(/cairn\/segment\.changed .*fromId/);
    expect(() => parseJob(EnrollmentAdvanceData, { name: ENROLLMENT_ADVANCE, data: undefined })).toThrow(
      /cairn\/enrollment\.advance has an invalid payload: \(data\)/,
    );
  });
});
