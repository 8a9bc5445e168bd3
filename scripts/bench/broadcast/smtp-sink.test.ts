import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSink, type Sink } from "./sink-client";
import { messageIdOf, SinkCounter } from "./smtp-sink";

describe("messageIdOf", () => {
  it("reads the Message-ID whatever its case, and unfolds a folded header", () => {
    expect(messageIdOf("From: a@b\r\nMessage-ID: <x-1@cairn>\r\nSubject: hi")).toBe("<x-1@cairn>");
    expect(messageIdOf("message-id:\r\n <folded@cairn>\r\nSubject: hi")).toBe("<folded@cairn>");
  });

  it("is null when the header block has none (a Message-ID in the subject does not count)", () => {
    expect(messageIdOf("From: a@b\r\nSubject: Message-ID: <no@x>")).toBeNull();
  });
});

describe("SinkCounter", () => {
  it("counts duplicates and messages without an id, and the 10th/90th percentile arrivals", () => {
    const counter = new SinkCounter();
    for (let i = 0; i < 100_000; i++) counter.record(`<m-${i}@x>`, 1_000 + i);
    counter.record("<m-7@x>", 200_000);
    counter.record(null, 200_001);
    const stats = counter.stats();
    expect(stats).toMatchObject({
      count: 100_002,
      duplicates: 1,
      missingMessageId: 1,
      firstAt: 1_000,
      lastAt: 200_001,
    });
    expect(stats.p10At).toBe(1_000 + Math.ceil(0.1 * 100_002) - 1);
    expect(stats.p90At).toBe(1_000 + Math.ceil(0.9 * 100_002) - 1);
    counter.reset();
    expect(counter.stats()).toMatchObject({ count: 0, firstAt: null, lastAt: null, p10At: null, duplicates: 0 });
  });
});

describe("the SMTP sink, in its own process", () => {
  let sink: Sink;
  beforeAll(async () => {
    sink = await startSink();
  }, 30_000);
  afterAll(() => sink?.stop());

  it("accepts every message over SMTP and reports the count and a repeated Message-ID", async () => {
    const transport = nodemailer.createTransport({ host: "127.0.0.1", port: sink.port, pool: true, maxConnections: 2 });
    const send = (id: string) =>
      transport.sendMail({
        from: "a@shop.example",
        to: "b@example.com",
        subject: "s",
        html: "<p>x</p>",
        messageId: id,
      });
    await Promise.all([send("<one@t>"), send("<two@t>"), send("<one@t>")]);
    transport.close();
    const stats = await sink.waitFor(3, 5_000);
    expect(stats).toMatchObject({ count: 3, duplicates: 1, missingMessageId: 0 });
    expect(stats.lastAt!).toBeGreaterThanOrEqual(stats.firstAt!);
    await sink.reset();
    expect((await sink.stats()).count).toBe(0);
  });
});
