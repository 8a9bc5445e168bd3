import { AppUnreachableError, canonicalJson, request, signRequest } from "./app-client";
import type { ExecutorContext } from "./context";
import { parseEvents } from "./event-payload";
import type { FunctionDefinition } from "./registration";
import { buildCallBody, callUrl, interpretResponse, type CallOutcome } from "./sdk-protocol";
import {
  finishRun,
  loadOwnedJob,
  memoizeStep,
  planSteps,
  rescheduleJob,
  type ActiveJob,
  type StepResult,
} from "./store/queue-store";

/**
 * One call to the app for a leased job, and what follows from its answer. Returns the run's next job
 * when this executor should make that call at once (it was created leased to us), so a sequential run
 * goes event → call → call → … without waiting for the queue.
 */
export async function runJob(ctx: ExecutorContext, job: ActiveJob): Promise<ActiveJob | undefined> {
  const fn = await ctx.findFunction(job.functionId);
  if (!fn) {
    await fail(ctx, job, undefined, {
      name: "FunctionNotRegistered",
      message: `Function "${job.functionId}" is no longer registered (was it removed from the app before this run finished?)`,
    });
    return undefined;
  }
  const outcome = await call(ctx, fn, job);
  if (outcome === "unreachable") {
    await rescheduleJob(ctx.db, job, ctx.owner, job.attempt, ctx.now() + ctx.unreachableRetryMs, {
      name: "AppUnreachable",
      message: "the app did not answer",
    });
    ctx.wakeAt(ctx.now() + ctx.unreachableRetryMs);
    return undefined;
  }
  return apply(ctx, fn, job, outcome);
}

let lastUnreachableLog = 0;

async function call(
  ctx: ExecutorContext,
  fn: FunctionDefinition,
  job: ActiveJob,
): Promise<CallOutcome | "unreachable"> {
  const payload = buildCallBody(job, fn.retries + 1);
  const body = ctx.signingKey ? canonicalJson(payload) : JSON.stringify(payload);
  const headers: Record<string, string> = {};
  if (ctx.signingKey) headers["x-inngest-signature"] = signRequest(body, ctx.signingKey, ctx.now());
  try {
    const response = await request("POST", callUrl(fn.url, job.stepId), body, headers, ctx.callTimeoutMs);
    if (response.status === 401) {
      ctx.log(
        `the app refused a call for "${fn.id}" (401): its serve endpoint verifies signatures, so give the executor the same INNGEST_SIGNING_KEY (or run the app with INNGEST_DEV=1)`,
      );
    }
    return interpretResponse(fn.id, response.status, response.headers, response.body, ctx.now());
  } catch (error) {
    if (!(error instanceof AppUnreachableError)) throw error;
    // The app restarting is normal (next dev reloads); say so now and then, not per call.
    if (ctx.now() - lastUnreachableLog > 10_000) {
      lastUnreachableLog = ctx.now();
      ctx.log(`app unreachable, will retry: ${error.message}`);
    }
    return "unreachable";
  }
}

async function apply(
  ctx: ExecutorContext,
  fn: FunctionDefinition,
  job: ActiveJob,
  outcome: CallOutcome,
): Promise<ActiveJob | undefined> {
  switch (outcome.kind) {
    case "completed": {
      const done = await finishRun(
        ctx.db,
        ctx.db,
        job,
        ctx.owner,
        { status: "completed", output: outcome.output },
        ctx.now(),
      );
      if (!done) lostLease(ctx, job);
      return undefined;
    }
    case "step-done":
      return memoize(ctx, job, outcome.stepId, outcome.result);
    case "step-error":
      // The SDK sends StepFailed on the last attempt because we pass max_attempts; this is the fallback.
      if (job.attempt >= fn.retries) return memoize(ctx, job, outcome.stepId, { error: outcome.error });
      await retry(ctx, job, outcome.error, outcome.retryAfterMs);
      return undefined;
    case "planned": {
      const parallel = job.parallel || outcome.stepIds.length > 1;
      const planned = await planSteps(ctx.db, job, ctx.owner, outcome.stepIds, parallel, ctx.now(), ctx.leaseMs);
      if (!planned.owned) return lostLease(ctx, job);
      if (planned.jobs.some((j) => !j.mine)) ctx.wake();
      const mine = planned.jobs.find((j) => j.mine);
      return mine ? { ...job, id: mine.id, stepId: mine.stepId, attempt: 0, parallel } : undefined;
    }
    case "unsupported":
      ctx.log(`run ${job.runId} failed: ${outcome.message}`);
      await fail(ctx, job, fn, { name: "UnsupportedByEmbeddedExecutor", message: outcome.message });
      return undefined;
    case "function-error":
      if (outcome.retriable && job.attempt < fn.retries) {
        await retry(ctx, job, outcome.error, outcome.retryAfterMs);
        return undefined;
      }
      await fail(ctx, job, fn, outcome.error);
      return undefined;
  }
}

async function memoize(
  ctx: ExecutorContext,
  job: ActiveJob,
  stepId: string,
  result: StepResult,
): Promise<ActiveJob | undefined> {
  const memo = await memoizeStep(ctx.db, job, ctx.owner, stepId, result, ctx.now(), ctx.leaseMs);
  if (!memo.owned) return lostLease(ctx, job);
  if (!memo.nextJobId) return undefined; // parallel siblings still running; the last one continues the run
  if (job.stepId === "step") {
    // Sequential: the state we sent plus this step is the whole memo, no need to read it back.
    return { ...job, id: memo.nextJobId, stepId: "step", attempt: 0, steps: [...job.steps, [stepId, result]] };
  }
  return loadOwnedJob(ctx.db, memo.nextJobId, ctx.owner); // after parallel steps: siblings' results are in the database
}

async function retry(ctx: ExecutorContext, job: ActiveJob, error: unknown, retryAfterMs?: number): Promise<void> {
  const at = ctx.now() + (retryAfterMs ?? ctx.retryDelayMs(job.attempt));
  if (!(await rescheduleJob(ctx.db, job, ctx.owner, job.attempt + 1, at, error))) lostLease(ctx, job);
  ctx.wakeAt(at);
}

/**
 * Fails the run. When a function listens for `inngest/function.failed` (the SDK's onFailure handlers
 * do), the failure event is stored in the same transaction, so it is never lost or sent twice.
 */
async function fail(
  ctx: ExecutorContext,
  job: ActiveJob,
  fn: FunctionDefinition | undefined,
  error: unknown,
): Promise<void> {
  const failedEvent = "inngest/function.failed";
  if (!ctx.registry.candidatesFor(failedEvent).length) {
    if (!(await finishRun(ctx.db, ctx.db, job, ctx.owner, { status: "failed", error }, ctx.now()))) lostLease(ctx, job);
    return;
  }
  const events = parseEvents(
    JSON.stringify({
      name: failedEvent,
      data: { function_id: fn?.id ?? job.functionId, run_id: job.runId, error, event: job.event },
    }),
    { nowMs: ctx.now() },
  );
  const intake = await ctx.db.transaction(async (client) => {
    if (!(await finishRun(ctx.db, client, job, ctx.owner, { status: "failed", error }, ctx.now()))) return undefined;
    return ctx.intake(events, client);
  });
  if (!intake) lostLease(ctx, job);
  else if (intake.runIds.length) ctx.wake();
}

function lostLease(ctx: ExecutorContext, job: ActiveJob): undefined {
  ctx.log(
    `job ${job.id} of run ${job.runId} was taken over by another executor (lease expired); dropping this executor's result`,
  );
  return undefined;
}
