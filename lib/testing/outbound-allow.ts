import { afterAll, beforeAll } from "vitest";

/** What the test suites allow the outbound guard (lib/security/outbound.ts) to reach: the local stand-ins on loopback, and nothing else. */
export const TEST_OUTBOUND_ALLOW = "127.0.0.0/8,::1";

/**
 * For a unit test file whose code calls local provider servers on 127.0.0.1: the operator's exception set
 * explicitly for the file's tests, as an operator would (integration tests get it from lib/testing/setup.ts).
 */
export function allowLoopbackOutbound(): void {
  const saved = process.env.CAIRN_OUTBOUND_ALLOW;
  beforeAll(() => {
    process.env.CAIRN_OUTBOUND_ALLOW = TEST_OUTBOUND_ALLOW;
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.CAIRN_OUTBOUND_ALLOW;
    else process.env.CAIRN_OUTBOUND_ALLOW = saved;
  });
}
