import { availableParallelism } from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import type { FieldIssue } from "../errors";
import {
  needsIsolation,
  RENDER_BUDGET,
  renderTemplate,
  renderTimeoutMessage,
  type RenderAssets,
  type RenderBudget,
  type RenderResult,
  type RenderScope,
  type TemplateKind,
} from "./liquid";

/**
 * Renders untrusted templates off the thread that answers requests and runs the delivery engine. Liquid renders
 * synchronously: one template of nested loops would otherwise freeze every workspace for its whole budget.
 *
 * A small pool of worker threads (render-worker.mjs) renders a message's fields within one budget
 * (RENDER_BUDGET: 100 ms and 1,000,000 characters for all fields together). liquidjs stops a render that runs
 * out of time between two tags; a worker that does not answer shortly after the budget (one huge filter call)
 * is terminated and replaced, and the render fails with the same timeout message. A template without tags
 * renders in place: it costs about its length, less than the hop to a worker (see needsIsolation).
 *
 * The worker script is plain JavaScript loaded by absolute path (CAIRN_RENDER_WORKER, by default
 * lib/messaging/render-worker.mjs under the directory the server runs in), so no bundler has to know about it.
 */
const HARD_TIMEOUT_GRACE_MS = 400;

interface Job {
  id: number;
  message: {
    id: number;
    channel: TemplateKind;
    content: unknown;
    /** one render… */
    scope?: object;
    /** …or a batch: one render per scope, each with its own budget, `progress` counting those done */
    scopes?: object[];
    progress?: SharedArrayBuffer;
    assets: RenderAssets;
    budget: RenderBudget;
  };
  resolve: (result: RenderResult) => void;
  resolveMany?: (results: RenderResult[]) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job: Job | null;
  timer: NodeJS.Timeout | null;
}

export interface RenderPoolOptions {
  size?: number;
  workerPath?: string;
  liquidPath?: string;
}

export class RenderPool {
  private readonly slots = new Set<Slot>();
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  /** workers ended because they did not answer within their job's budget (and replaced) */
  terminated = 0;
  readonly size: number;
  private readonly workerPath: string;
  private readonly liquidPath: string;

  constructor(options: RenderPoolOptions = {}) {
    this.size = Math.max(1, options.size ?? defaultSize());
    this.workerPath =
      options.workerPath ??
      process.env.CAIRN_RENDER_WORKER ??
      path.join(process.cwd(), "lib/messaging/render-worker.mjs");
    this.liquidPath = options.liquidPath ?? path.join(path.dirname(this.workerPath), "liquid.ts");
  }

  /** Starts the workers now (they take a moment to load), resolving when all can take a render. */
  async warm(): Promise<void> {
    while (this.slots.size < this.size) this.spawn();
    await Promise.all(
      [...this.slots].map(
        (slot) =>
          new Promise<void>((resolve, reject) => {
            if (slot.ready) return resolve();
            slot.worker.once("message", () => resolve());
            slot.worker.once("error", reject);
          }),
      ),
    );
  }

  /** Renders in a worker; the budget's time counts from when a worker takes the job, not while it waits its turn. */
  render(
    channel: TemplateKind,
    content: unknown,
    scope: RenderScope | object,
    assets: RenderAssets = {},
    budget: RenderBudget = RENDER_BUDGET,
  ): Promise<RenderResult> {
    if (this.closed) return Promise.reject(new Error("The render pool is closed"));
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.queue.push({ id, message: { id, channel, content, scope, assets, budget }, resolve, reject });
      while (this.slots.size < this.size) this.spawn();
      this.dispatch();
    });
  }

  /**
   * Renders one template for many people (a broadcast's batch): the scopes are split among the workers, each
   * worker parses the template once and renders each person within the budget of one message. A worker stuck
   * in one render (no progress for the budget and its grace) is ended: that render fails with the budget's
   * message and the rest of its share is rendered again elsewhere. Results come back in the scopes' order.
   */
  async renderMany(
    channel: TemplateKind,
    content: unknown,
    scopes: readonly object[],
    assets: RenderAssets = {},
    budget: RenderBudget = RENDER_BUDGET,
  ): Promise<RenderResult[]> {
    if (!scopes.length) return [];
    const shares = Math.max(1, Math.min(this.size, Math.ceil(scopes.length / MIN_SHARE)));
    const per = Math.ceil(scopes.length / shares);
    const parts: Promise<RenderResult[]>[] = [];
    for (let start = 0; start < scopes.length; start += per)
      parts.push(this.renderShare(channel, content, scopes.slice(start, start + per), assets, budget));
    return (await Promise.all(parts)).flat();
  }

  private renderShare(
    channel: TemplateKind,
    content: unknown,
    scopes: object[],
    assets: RenderAssets,
    budget: RenderBudget,
  ): Promise<RenderResult[]> {
    if (this.closed) return Promise.reject(new Error("The render pool is closed"));
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      // [0]: renders done, [1]: tries made (the worker's heartbeat)
      const progress = new SharedArrayBuffer(8);
      const message = { id, channel, content, scopes, progress, assets, budget };
      this.queue.push({ id, message, resolve: () => {}, resolveMany: resolve, reject });
      while (this.slots.size < this.size) this.spawn();
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error("The render pool is closed"));
    await Promise.all([...this.slots].map((slot) => slot.worker.terminate()));
    this.slots.clear();
  }

  private spawn(): void {
    const worker = new Worker(this.workerPath, {
      workerData: { liquidPath: this.liquidPath },
      // a runaway template fails its render; it cannot take the server's memory with it
      resourceLimits: { maxOldGenerationSizeMb: 256 },
    });
    const slot: Slot = { worker, ready: false, job: null, timer: null };
    this.slots.add(slot);
    worker.on(
      "message",
      (message: { ready?: true; id?: number; result?: RenderResult; results?: RenderResult[]; error?: string }) => {
        if (message.ready) {
          slot.ready = true;
          this.dispatch();
          if (!slot.job) worker.unref(); // an idle pool does not keep a script or a test run alive
          return;
        }
        const job = slot.job;
        if (!job || job.id !== message.id) return;
        this.release(slot);
        if (message.results && job.resolveMany) job.resolveMany(message.results);
        else if (message.result) job.resolve(message.result);
        else job.reject(new Error(message.error ?? "The render failed"));
        this.dispatch();
      },
    );
    const gone = (error: Error) => {
      if (!this.slots.delete(slot)) return;
      if (slot.timer) clearTimeout(slot.timer);
      // a worker that dies while rendering (out of memory: resourceLimits) died of the template: a render
      // failure, so a message fails with the reason instead of being retried into the same wall
      if (slot.job) this.failJob(slot.job, failed(`the render stopped (${error.message}); simplify the template`));
      if (this.closed) return;
      if (!slot.ready) {
        // it never started (a missing file, a syntax error): fail what waits rather than respawn in a loop
        for (const job of this.queue.splice(0)) job.reject(error);
        return;
      }
      if (this.queue.length) this.spawn();
    };
    worker.on("error", gone);
    worker.on("exit", (code) => gone(new Error(`The render worker stopped (exit code ${code})`)));
  }

  /**
   * A job whose worker stopped: a single render answers `result`; a batch answers it for the render in progress,
   * and the rest of its share (the renders done were lost with the worker) goes back to the queue.
   */
  private failJob(job: Job, result: RenderResult): void {
    const { scopes, progress } = job.message;
    if (!scopes || !progress || !job.resolveMany) return job.resolve(result);
    const stuck = Math.min(Atomics.load(new Int32Array(progress), 0), scopes.length - 1);
    const rest = scopes.filter((_, i) => i !== stuck);
    const resolveMany = job.resolveMany;
    if (!rest.length) return resolveMany([result]);
    this.renderShare(job.message.channel, job.message.content, rest, job.message.assets, job.message.budget).then(
      (again) => resolveMany([...again.slice(0, stuck), result, ...again.slice(stuck)]),
      job.reject,
    );
  }

  private release(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.job = null;
    slot.worker.unref();
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (!this.queue.length) return;
      if (!slot.ready || slot.job) continue;
      const job = this.queue.shift()!;
      slot.job = job;
      slot.worker.ref(); // a render in flight keeps the process alive until it answers
      const hardStop = () => {
        // liquidjs did not stop it between tags: end the worker, answer with the budget's message, start another
        slot.job = null;
        this.terminated++;
        this.slots.delete(slot);
        void slot.worker.terminate();
        this.failJob(job, timedOut(job.message.budget));
        if (!this.closed) this.spawn();
        this.dispatch();
      };
      const limit = job.message.budget.ms + HARD_TIMEOUT_GRACE_MS;
      if (job.message.progress) {
        // a batch may take long; what must not take long is any one of its renders
        const done = new Int32Array(job.message.progress);
        let seen = -1;
        const check = () => {
          const now = Atomics.load(done, 1);
          if (now === seen) return hardStop();
          seen = now;
          slot.timer = setTimeout(check, limit);
        };
        slot.timer = setTimeout(check, limit);
      } else slot.timer = setTimeout(hardStop, limit);
      slot.worker.postMessage(job.message);
    }
  }
}

/** The smallest share of a batch worth a worker of its own: fewer renders cost less than the hop. */
const MIN_SHARE = 50;

function failed(message: string): RenderResult {
  const error: FieldIssue = { path: "content", message: `Liquid error: ${message}` };
  return { fields: {}, errors: [error] };
}
const timedOut = (budget: RenderBudget) => failed(renderTimeoutMessage(budget.ms));

function defaultSize(): number {
  const configured = Number(process.env.CAIRN_RENDER_WORKERS);
  if (Number.isInteger(configured) && configured > 0) return configured;
  return Math.min(4, Math.max(2, availableParallelism() - 1));
}

// One pool per process (a module evaluated again by the dev server's hot reload keeps using it).
const globalPool = globalThis as typeof globalThis & { __cairnRenderPool?: RenderPool };
export function renderPool(): RenderPool {
  return (globalPool.__cairnRenderPool ??= new RenderPool());
}

/**
 * Renders a message's template for a request or a delivery: in place when it has no tags (needsIsolation),
 * else in the worker pool. Same result as renderTemplate; a template that runs out of budget has an error.
 */
export async function renderIsolated(
  channel: TemplateKind,
  content: unknown,
  scope: RenderScope | object,
  assets: RenderAssets = {},
  budget: RenderBudget = RENDER_BUDGET,
): Promise<RenderResult> {
  if (!needsIsolation(channel, content, assets)) return renderTemplate(channel, content, scope, assets, budget);
  return renderPool().render(channel, content, scope, assets, budget);
}
