// A render worker of render-pool.ts: renders a message's template (renderTemplate in liquid.ts) off the thread
// that answers requests and runs the engine, so a template that loops for its whole budget delays no one else.
//
// Plain JavaScript, loaded by absolute path: neither Next's bundler nor vitest transforms it, so it loads the
// same way under `next dev`, `next start` and the tests. It loads the TypeScript source with tsx (a dependency
// already: `npm start` runs through it), so the engine's filters and limits are written once.
import { parentPort, workerData } from "node:worker_threads";
import { pathToFileURL } from "node:url";
import { tsImport } from "tsx/esm/api";

const { renderTemplate } = await tsImport(pathToFileURL(workerData.liquidPath).href, import.meta.url);

parentPort.on("message", ({ id, channel, content, scope, assets, budget }) => {
  try {
    parentPort.postMessage({ id, result: renderTemplate(channel, content, scope, assets, budget) });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
parentPort.postMessage({ ready: true });
