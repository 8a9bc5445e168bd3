/**
 * npm run bench:canvas — how fast the journey editor opens and pans a large journey, in Chromium.
 *
 *   1. starts Cairn (`scripts/cairn.ts start`, production build; builds if there is none) on a fresh
 *      embedded database, with a seeded owner and full API key;
 *   2. creates, through the API, a 300-node journey (a chain with conditions every 10 steps) and,
 *      as the baseline measured in the same run, a 3-node journey;
 *   3. for each, opens the editor in Chromium and times navigation → every node React Flow mounted is
 *      measured and shown and the view has settled after fit-to-view, then drags the canvas across and
 *      samples frame times.
 * Prints the figures and the ratio of the large journey's first render to the small one's. Timings are
 * printed, never asserted. Options: BENCH_NODES (default 300).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "@playwright/test";
import { freePort } from "../../lib/testing/free-port";

const NODES = Number(process.env.BENCH_NODES ?? 300);
const EMAIL = "bench@cairn.test";
const PASSWORD = "bench password 2026";
const KEY = "cairn_bench_canvas_key_0123456789abcdef";

function largeJourney(count: number) {
  const nodes: { id: string; type: string; position: { x: number; y: number }; config: Record<string, unknown> }[] = [
    { id: "n0", type: "trigger.event", position: { x: 0, y: 0 }, config: { eventName: "Signed Up" } },
  ];
  const edges: { id: string; source: string; target: string; branch?: string }[] = [];
  let previous = "n0";
  let previousExit: string | undefined;
  for (let i = 1; i < count - 1; i++) {
    const id = `n${i}`;
    const y = i * 140;
    if (i % 10 === 0) {
      nodes.push({
        id,
        type: "condition",
        position: { x: 0, y },
        config: {
          rules: { match: "all", rules: [{ kind: "trait", trait: "plan", operator: "equals", value: "pro" }] },
        },
      });
      // the "yes" side ends at once; the chain goes on from "no"
      nodes.push({ id: `${id}_end`, type: "exit", position: { x: 320, y: y + 140 }, config: {} });
      edges.push({ id: `e${id}_yes`, source: id, target: `${id}_end`, branch: "yes" });
      i++;
    } else {
      nodes.push({
        id,
        type: "delay.duration",
        position: { x: 0, y },
        config: { duration: { amount: i, unit: "hours" } },
      });
    }
    edges.push({ id: `e${id}`, source: previous, target: id, ...(previousExit ? { branch: previousExit } : {}) });
    previous = id;
    previousExit = nodes.find((n) => n.id === id)!.type === "condition" ? "no" : undefined;
  }
  nodes.push({
    id: "goal",
    type: "goal",
    position: { x: 0, y: count * 140 },
    config: { eventName: "Project Created" },
  });
  edges.push({ id: "egoal", source: previous, target: "goal", ...(previousExit ? { branch: previousExit } : {}) });
  return { nodes, edges };
}

const SMALL = {
  nodes: [
    { id: "t", type: "trigger.event", position: { x: 0, y: 0 }, config: { eventName: "Signed Up" } },
    { id: "d", type: "delay.duration", position: { x: 0, y: 140 }, config: { duration: { amount: 1, unit: "days" } } },
    { id: "g", type: "goal", position: { x: 0, y: 280 }, config: { eventName: "Project Created" } },
  ],
  edges: [
    { id: "e1", source: "t", target: "d" },
    { id: "e2", source: "d", target: "g" },
  ],
};

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "ignore", "inherit"], env });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(" ")} exited with ${code}`))));
  });
}

async function main() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "cairn-bench-canvas-"));
  const port = await freePort();
  const env = {
    ...process.env,
    CAIRN_DATA_DIR: dataDir,
    PORT: String(port),
    CAIRN_DB_PORT: String(await freePort()),
    CAIRN_EXECUTOR_PORT: String(await freePort()),
    DATABASE_URL: "",
    NEXT_TELEMETRY_DISABLED: "1",
  };
  const tsx = [path.join("node_modules", "tsx", "dist", "cli.mjs")];
  await run(process.execPath, [...tsx, "scripts/seed.ts"], {
    ...env,
    SEED_ADMIN_EMAIL: EMAIL,
    SEED_ADMIN_PASSWORD: PASSWORD,
    SEED_API_KEY: KEY,
  });
  const server = spawn(process.execPath, ["--import", "tsx", "scripts/cairn.ts", "start"], {
    stdio: ["ignore", "ignore", "inherit"],
    env,
  });
  const origin = `http://localhost:${port}`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${origin}/api/health`)).ok) break;
      } catch {
        /* starting */
      }
      if (i > 900) throw new Error("Cairn did not start");
      await new Promise((r) => setTimeout(r, 200));
    }
    const create = async (name: string, graph: unknown) => {
      const response = await fetch(`${origin}/api/v1/journeys`, {
        method: "POST",
        headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
        body: JSON.stringify({ name, graph }),
      });
      if (!response.ok) throw new Error(`create journey: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { id: string }).id;
    };
    const large = largeJourney(NODES);
    const largeId = await create(`Bench ${large.nodes.length} nodes`, large);
    const smallId = await create("Bench 3 nodes", SMALL);

    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${origin}/login`);
    await page.getByLabel("Email").fill(EMAIL);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/journeys$/);

    // Every node React Flow mounted is measured and shown (it hides nodes until their size is known), and
    // the mounted set and the viewport (after fit-to-view) have settled.
    const allVisibleRendered = `(() => {
      const nodes = [...document.querySelectorAll(".react-flow__node")];
      const ready = nodes.length > 0 && nodes.every((n) => getComputedStyle(n).visibility !== "hidden");
      const viewport = document.querySelector(".react-flow__viewport");
      const key = ready ? nodes.length + " " + (viewport ? viewport.style.transform : "") : "";
      if (key && window.__lastKey === key && performance.now() - window.__lastAt > 400) return true;
      if (key !== window.__lastKey) { window.__lastKey = key; window.__lastAt = performance.now(); }
      return false;
    })()`;

    async function measure(id: string, profileAs?: string) {
      // Warm: load once so route code is compiled and cached, as it is for someone who uses Cairn daily.
      await page.goto(`${origin}/w/demo/journeys/${id}`);
      await page.waitForFunction(allVisibleRendered, undefined, { timeout: 60_000, polling: "raf" });
      // BENCH_PROFILE_DIR: a CPU profile of the page while it opens (open it in Chrome DevTools).
      const cdp = profileAs && process.env.BENCH_PROFILE_DIR ? await page.context().newCDPSession(page) : null;
      if (cdp) await cdp.send("Profiler.enable").then(() => cdp.send("Profiler.start"));
      const started = Date.now();
      await page.goto(`${origin}/w/demo/journeys/${id}`);
      await page.waitForFunction(allVisibleRendered, undefined, { timeout: 60_000, polling: "raf" });
      if (cdp) {
        const { profile } = await cdp.send("Profiler.stop");
        writeFileSync(path.join(process.env.BENCH_PROFILE_DIR!, `${profileAs}.cpuprofile`), JSON.stringify(profile));
      }
      // The settle check waits 400 ms (longer than the fit-to-view animation) on purpose; not part of the render.
      const firstRender = Date.now() - started - 400;
      const visibleNodes = await page.locator(".react-flow__node").count();
      // Pan: drag the empty canvas across while sampling frame times.
      // A string, not a function: tsx's name-keeping helpers do not exist inside the page.
      await page.evaluate(`(() => {
        window.__frames = []; window.__sampling = true;
        let last = performance.now();
        const tick = (now) => { window.__frames.push(now - last); last = now; if (window.__sampling) requestAnimationFrame(tick); };
        requestAnimationFrame(tick);
      })()`);
      const pane = await page.locator(".react-flow__pane").boundingBox();
      if (!pane) throw new Error("no canvas");
      const y = pane.y + pane.height / 2;
      const panStarted = Date.now();
      await page.mouse.move(pane.x + pane.width - 40, y);
      await page.mouse.down();
      for (let step = 1; step <= 30; step++)
        await page.mouse.move(pane.x + pane.width - 40 - step * ((pane.width - 80) / 30), y - step * 4);
      await page.mouse.up();
      const panMs = Date.now() - panStarted;
      const frames = (await page.evaluate(
        `(() => { window.__sampling = false; return window.__frames.slice(1); })()`,
      )) as number[];
      frames.sort((a, b) => a - b);
      const p95 = frames[Math.floor(frames.length * 0.95)] ?? 0;
      const mean = frames.reduce((a, b) => a + b, 0) / Math.max(1, frames.length);
      return { firstRender, visibleNodes, panMs, frames: frames.length, meanFrame: mean, p95Frame: p95 };
    }

    const small = await measure(smallId);
    const big = await measure(largeId, `canvas-${NODES}-nodes`);
    console.log("");
    console.log(`journey editor in Chromium (headless, software rendering), production build, ${origin}`);
    for (const [label, r] of [
      [`${SMALL.nodes.length} nodes (baseline)`, small],
      [`${large.nodes.length} nodes`, big],
    ] as const) {
      console.log(
        `${label.padEnd(20)} first full render (${r.visibleNodes} nodes mounted): ${String(r.firstRender).padStart(5)} ms · pan across: ${r.panMs} ms, ${r.frames} frames, mean frame ${r.meanFrame.toFixed(1)} ms, p95 frame ${r.p95Frame.toFixed(1)} ms`,
      );
    }
    console.log(
      `ratio (${large.nodes.length} nodes / baseline), first render: ${(big.firstRender / small.firstRender).toFixed(2)}`,
    );
  } finally {
    await browser.close();
    server.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 3000));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
