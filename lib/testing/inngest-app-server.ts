/**
 * A child process that serves the app's real Inngest endpoint (app/api/inngest/route.ts, every function)
 * over HTTP against DATABASE_URL, for crash tests that kill the app (SIGKILL) while its runs are in flight
 * and start it again (lib/messaging/delivery-crash.int.test.ts). Prints "listening <port>" when ready.
 *
 * CAIRN_TEST_APP_PORT: the port (fixed, so the executor finds the restarted app where it synced it).
 * CAIRN_TEST_CLOCK_SHIFT_MS: this process's clock runs that far ahead of the real one (`new Date()` and
 * `Date.now()`), so a restart can come back "minutes later" (claims lapsed, grace periods over) without the
 * test sleeping. Dates built from a value (a timestamp read from the database) are not shifted.
 */
type Handler = (request: Request, context: unknown) => Promise<Response>;

function shiftClock(shiftMs: number): void {
  const RealDate = Date;
  class ShiftedDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(RealDate.now() + shiftMs);
      else super(...(args as [string | number | Date]));
    }
    static override now(): number {
      return RealDate.now() + shiftMs;
    }
  }
  globalThis.Date = ShiftedDate as DateConstructor;
}

async function main(): Promise<void> {
  const shift = Number(process.env.CAIRN_TEST_CLOCK_SHIFT_MS ?? 0);
  if (shift) shiftClock(shift);
  // imported after the clock is set, so every module reads the shifted one
  const route = await import("../../app/api/inngest/route");
  const { serveRoutes } = await import("./serve-routes");
  const methods = route as unknown as Record<string, Handler>;
  const { url } = await serveRoutes(
    {
      "/api/inngest": (request, context) =>
        methods[request.method]?.(request, context) ?? Promise.resolve(new Response(null, { status: 405 })),
    },
    { port: Number(process.env.CAIRN_TEST_APP_PORT ?? 0) },
  );
  console.log(`listening ${new URL(url).port}`);
}

void main();
