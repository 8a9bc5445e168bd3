// A render worker of render-pool.ts: renders a message's template (renderTemplate in liquid.ts) off the thread
// that answers requests and runs the engine, so a template that loops for its whole budget delays no one else.
//
// Plain JavaScript, loaded by absolute path: neither Next's bundler nor vitest transforms it, so it loads the
// same way under `next dev`, `next start` and the tests. It loads the TypeScript source with tsx (a dependency
// already: `npm start` runs through it), so the engine's filters and limits are written once.
import { parentPort, workerData } from "node:worker_threads";
import { pathToFileURL } from "node:url";
import { tsImport } from "tsx/esm/api";

const { renderTemplate, renderTimeoutMessage, liquid } = await tsImport(
  pathToFileURL(workerData.liquidPath).href,
  import.meta.url,
);

// A batch (a broadcast's messages: one template, many people) parses each source once. liquid.ts's engines
// parse on every render (cache: false, since a template is edited while previews run); during a batch, every
// engine's parse answers a source it already parsed from this memo, which lives only as long as the batch.
// Parsed templates hold no render state, so one is rendered for each person in turn.
const engineProto = Object.getPrototypeOf(liquid);
const parse = engineProto.parse;
let parsedInBatch = null;
engineProto.parse = function parseOnceInBatch(source, ...rest) {
  if (!parsedInBatch || rest.length) return parse.call(this, source, ...rest);
  let bySource = parsedInBatch.get(this);
  if (!bySource) parsedInBatch.set(this, (bySource = new Map()));
  let parsed = bySource.get(source);
  if (!parsed) bySource.set(source, (parsed = parse.call(this, source)));
  return parsed;
};

function renderOne(channel, content, scope, assets, budget) {
  try {
    return renderTemplate(channel, content, scope, assets, budget);
  } catch (error) {
    return {
      fields: {},
      errors: [{ path: "content", message: `Liquid error: ${error instanceof Error ? error.message : String(error)}` }],
    };
  }
}

// "the template took longer than": the words of a render that ran out of time, whatever the budget
const TIMED_OUT = renderTimeoutMessage(0).split(" 0 ms")[0];
const timedOut = (result) => result.errors.some((e) => e.message.includes(TIMED_OUT));

parentPort.on("message", ({ id, channel, content, scope, scopes, progress, assets, budget }) => {
  try {
    if (!scopes) {
      parentPort.postMessage({ id, result: renderTemplate(channel, content, scope, assets, budget) });
      return;
    }
    // each person's render has its own budget; `progress` (shared with the pool) counts the renders done ([0]) and
    // the tries made ([1]), so the pool can tell a worker stuck in one render (and end it) from one working through
    // a long batch
    const done = new Int32Array(progress);
    const results = new Array(scopes.length);
    parsedInBatch = new Map();
    let timedOutInARow = 0;
    try {
      for (let i = 0; i < scopes.length; i++) {
        results[i] = renderOne(channel, content, scopes[i], assets, budget);
        // The budget is wall time: on a busy machine a thread descheduled mid-render can overrun it with a template
        // that takes a millisecond, and the message would fail for good. A render that ran out of time is tried
        // once more, unless the renders before it ran out too (then it is the template, and trying again would
        // only double what a runaway template costs).
        if (timedOut(results[i]) && timedOutInARow < 2) {
          Atomics.add(done, 1, 1); // a heartbeat: the pool sees the worker alive between the two tries
          results[i] = renderOne(channel, content, scopes[i], assets, budget);
        }
        timedOutInARow = timedOut(results[i]) ? timedOutInARow + 1 : 0;
        Atomics.store(done, 0, i + 1);
        Atomics.add(done, 1, 1);
      }
    } finally {
      parsedInBatch = null;
    }
    parentPort.postMessage({ id, results });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
parentPort.postMessage({ ready: true });
