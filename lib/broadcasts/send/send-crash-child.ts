/**
 * The sender of lib/broadcasts/send/send-crash.int.test.ts, in a process of its own so the test can SIGKILL it
 * mid-send: runs the broadcast's send chain (link after link of runBroadcast, as send-broadcast does) against
 * DATABASE_URL until the broadcast is sent, printing "sent <n>" after each link. Tests only.
 *
 * CAIRN_TEST_BROADCAST_ID: the broadcast. CAIRN_TEST_CLOCK_SHIFT_MS: this sender's clock runs that far ahead, so a
 * restart comes back "minutes later" (the killed sender's claims lapsed) without the test waiting for it.
 */
export async function main(): Promise<void> {
  const broadcastId = process.env.CAIRN_TEST_BROADCAST_ID!;
  const shift = Number(process.env.CAIRN_TEST_CLOCK_SHIFT_MS ?? 0);
  const clock = () => new Date(Date.now() + shift);
  const { runBroadcast } = await import("./run-broadcast");
  let sent = 0;
  for (;;) {
    const { decision, totals } = await runBroadcast(broadcastId, clock, { batchSize: 200, chunkSize: 1_000 });
    sent += totals.sent;
    console.log(`sent ${sent} ${decision.next}`);
    if (decision.next === "done" || decision.next === "stop" || decision.next === "winner") break;
    if (decision.next === "at")
      await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, Date.parse(decision.at) - clock().getTime())));
  }
  process.exit(0);
}

void main();
