/**
 * The cost of rendering one message, as the delivery engine does it: renderTemplate in place (how it was) and
 * renderIsolated (in place for a template without tags, else the worker pool). `npx tsx scripts/bench/render.ts`
 */
import { renderTemplate, SAMPLE_SCOPE } from "../../lib/messaging/liquid";
import { renderIsolated, renderPool } from "../../lib/messaging/render-pool";

const CASES = {
  "email, no tags": {
    channel: "email",
    content: {
      subject: "Hi {{ profile.traits.first_name }}",
      html: "<p>Hello {{ profile.traits.first_name }}, your plan is {{ profile.traits.plan }}.</p><p>{{ event.properties.total | money }}</p>",
    },
  },
  "email, with if/for": {
    channel: "email",
    content: {
      subject: "Hi {{ profile.traits.first_name }}",
      html: "{% if profile.traits.plan == 'pro' %}<p>Pro</p>{% endif %}<ul>{% for i in (1..5) %}<li>{{ i }}</li>{% endfor %}</ul>",
    },
  },
} as const;

async function time(label: string, n: number, fn: () => unknown | Promise<unknown>): Promise<void> {
  for (let i = 0; i < 50; i++) await fn(); // warm up
  const started = performance.now();
  for (let i = 0; i < n; i++) await fn();
  const each = (performance.now() - started) / n;
  console.log(`${label.padEnd(48)} ${(each * 1000).toFixed(0).padStart(6)} µs/render  ${Math.round(1000 / each)}/s`);
}

async function main() {
  await renderPool().warm();
  for (const [name, { channel, content }] of Object.entries(CASES)) {
    await time(`${name}: renderTemplate (before)`, 2000, () => renderTemplate(channel, content, SAMPLE_SCOPE));
    await time(`${name}: renderIsolated (after), one at a time`, 2000, () =>
      renderIsolated(channel, content, SAMPLE_SCOPE),
    );
    const concurrent = async () => {
      await Promise.all(Array.from({ length: 16 }, () => renderIsolated(channel, content, SAMPLE_SCOPE)));
    };
    await time(`${name}: renderIsolated, 16 at once (per 16)`, 200, concurrent);
  }
  await renderPool().close();
}
void main();
