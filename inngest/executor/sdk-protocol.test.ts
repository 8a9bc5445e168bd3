import { describe, expect, it } from "vitest";
import { buildCallBody, callUrl, interpretResponse } from "./sdk-protocol";
import type { ActiveJob } from "./store/queue-store";

const job: ActiveJob = {
  id: "1",
  runId: "01RUN",
  functionId: "app-fn",
  stepId: "step",
  attempt: 2,
  parallel: true,
  event: { name: "app/x", data: { a: 1 }, id: "01EVT", ts: 1 },
  steps: [
    ["aaa", { data: 1 }],
    ["bbb", { error: { name: "Error", message: "x" } }],
  ],
  slots: { ckey1: null, climit1: null, ckey2: null, climit2: null },
};
const now = Date.parse("2026-01-01T00:00:00Z");

describe("SDK protocol", () => {
  it("builds the request body the SDK expects (no fn_id: no checkpointing)", () => {
    expect(buildCallBody(job, 5)).toEqual({
      event: job.event,
      events: [job.event],
      steps: { aaa: { data: 1 }, bbb: { error: { name: "Error", message: "x" } } },
      ctx: {
        run_id: "01RUN",
        attempt: 2,
        max_attempts: 5,
        disable_immediate_execution: true,
        use_api: false,
        stack: { stack: ["aaa", "bbb"], current: 1 },
      },
    });
    expect(callUrl("http://127.0.0.1:3000/api/inngest?fnId=app-fn&stepId=step", "abc")).toBe(
      "http://127.0.0.1:3000/api/inngest?fnId=app-fn&stepId=abc",
    );
  });

  it("reads 200, 206 ops and errors", () => {
    expect(interpretResponse("app-fn", 200, {}, `{"ok":true}`, now)).toEqual({
      kind: "completed",
      output: { ok: true },
    });
    expect(interpretResponse("app-fn", 206, {}, `[{"id":"s1","op":"StepRun","data":null}]`, now)).toEqual({
      kind: "step-done",
      stepId: "s1",
      result: { data: null },
    });
    expect(
      interpretResponse("app-fn", 206, {}, `[{"id":"s1","op":"StepFailed","error":{"message":"m"}}]`, now),
    ).toEqual({ kind: "step-done", stepId: "s1", result: { error: { message: "m" } } });
    expect(
      interpretResponse(
        "app-fn",
        206,
        { "retry-after": "7" },
        `[{"id":"s1","op":"StepError","error":{"message":"m"}}]`,
        now,
      ),
    ).toEqual({ kind: "step-error", stepId: "s1", error: { message: "m" }, retryAfterMs: 7000 });
    expect(
      interpretResponse(
        "app-fn",
        206,
        {},
        `[{"id":"s1","op":"StepPlanned"},{"id":"s2","op":"StepPlanned","opts":{"type":"step.sendEvent"}}]`,
        now,
      ),
    ).toEqual({ kind: "planned", stepIds: ["s1", "s2"] });
    expect(
      interpretResponse("app-fn", 500, { "x-inngest-no-retry": "false" }, `{"name":"Error","message":"m"}`, now),
    ).toEqual({
      kind: "function-error",
      retriable: true,
      error: { name: "Error", message: "m" },
      retryAfterMs: undefined,
    });
    expect(
      interpretResponse(
        "app-fn",
        400,
        { "x-inngest-no-retry": "true" },
        `{"name":"NonRetriableError","message":"m"}`,
        now,
      ),
    ).toMatchObject({ kind: "function-error", retriable: false });
    expect(interpretResponse("app-fn", 404, {}, `<html>`, now)).toMatchObject({
      kind: "function-error",
      retriable: true,
      error: { message: "The app answered HTTP 404: <html>" },
    });
  });

  it("names unsupported ops and the function", () => {
    const sleep = interpretResponse(
      "app-fn",
      206,
      {},
      `[{"id":"s1","op":"Sleep","name":"1h","displayName":"wait-an-hour"}]`,
      now,
    );
    expect(sleep).toEqual({
      kind: "unsupported",
      message: `Function "app-fn", step "wait-an-hour": step.sleep / step.sleepUntil (Sleep) is not supported by Cairn's embedded executor`,
    });
    const mixed = interpretResponse(
      "app-fn",
      206,
      {},
      `[{"id":"s1","op":"StepPlanned"},{"id":"s2","op":"WaitForEvent","displayName":"wait"}]`,
      now,
    );
    expect(mixed).toMatchObject({ kind: "unsupported", message: expect.stringContaining("step.waitForEvent") });
    const publish = interpretResponse(
      "app-fn",
      206,
      {},
      `[{"id":"s1","op":"StepPlanned","displayName":"pub","opts":{"type":"step.realtime.publish"}}]`,
      now,
    );
    expect(publish).toMatchObject({ kind: "unsupported", message: expect.stringContaining("step.realtime.publish") });
  });
});
