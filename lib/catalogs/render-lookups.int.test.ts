import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { setUpFreshDatabase } from "@/lib/testing/fresh-database";
import { pgPool } from "../db/pool";
import { parseLiquid, renderTemplate } from "../messaging/liquid";
import { renderIsolated } from "../messaging/render-pool";
import { catchUp, SETTLE_MS } from "../recommendations/build";
import { contextOf, createWorkspaceWithTeam } from "../testing/factories";
import { prepareRender } from "../content/prepare-render";
import { createTemplate } from "../messaging/templates/create-template";
import { createCatalog, patchItems, uploadCatalog } from "./manage-catalogs";
import { catalogReferences } from "./liquid-tags";
import { lookupsForRender } from "./render-lookups";

/**
 * Liquid's catalog lookups end to end: lookupsForRender fetches what a template asks for (ids from the event, from
 * loops, from a looked-up item), the render (in place and in the worker pool) reads it, a missing item is nil, a
 * price change shows without a template edit, and the trace says what was looked up and why.
 */

async function shop() {
  const t = await createWorkspaceWithTeam("Lookups");
  const ctx = await contextOf(t, "EDITOR");
  await createCatalog(ctx, { key: "products", name: "Products" });
  await createCatalog(ctx, { key: "stores", name: "Stores", kind: "lookup" });
  await uploadCatalog(
    ctx,
    "products",
    {
      csv: `id,name,price,currency,category,in_stock,store
sku-1,Trail shoe,89.9,EUR,running,true,ber
sku-2,Road shoe,120,EUR,running,true,muc
sku-3,Sock,9.5,EUR,accessories,false,ber
`,
    },
    { mode: "upsert", dryRun: false },
  );
  await uploadCatalog(ctx, "stores", { csv: "id,city\nber,Berlin\nmuc,Munich\n" }, { mode: "upsert", dryRun: false });
  return { t, ctx };
}

const scopeFor = (properties: Record<string, unknown>) => ({
  profile: { userId: "u1", email: null, phone: null, timezone: null, traits: {} },
  event: { name: "Order Completed", properties },
  journey: { id: null, name: null },
  message: { id: null },
});

const HTML = `{% catalog products id: event.properties.sku %}<h1>{{ item.name }} {{ item.price | money: item.currency }}</h1>
{% catalog stores id: item.store as store %}<p>{{ store.city }}</p>
<ul>{% for line in event.properties.products %}{% catalog products id: line.product_id as product %}<li>{{ product.name | default: "not in the catalog" }}</li>{% endfor %}</ul>
{% assign sock = "sku-3" | catalog: "products" %}<p>{{ sock.name }} in stock: {{ sock.in_stock }}</p>
{% recommend products popular limit: 2 as picks %}{% for p in picks %}<a>{{ p.id }}</a>{% endfor %}`;

// Its own database: the recommendation model has one cursor over every workspace's events (lib/recommendations/build.ts),
// so another file's build or reset would take in, or wipe, this file's events.
setUpFreshDatabase();

describe("catalog lookups in Liquid", () => {
  it("fetches before the render: event ids, loops, chained lookups, the filter, missing items, recommendations", async () => {
    const { t, ctx } = await shop();
    // each field is its own render: the subject makes its own lookup (the same item: fetched once)
    const content = { subject: "{% catalog products id: event.properties.sku %}{{ item.name }}", html: HTML };
    const scope = scopeFor({ sku: "sku-1", products: [{ product_id: "sku-2" }, { product_id: "nope" }] });
    const input = { workspaceId: t.id, profileId: randomUUID(), channel: "email" as const, content, scope, assets: {} };
    const { scope: ready, trace } = await lookupsForRender(input);

    const inPlace = renderTemplate("email", content, ready);
    expect(inPlace.errors).toEqual([]);
    const html = inPlace.fields.html;
    expect(html).toContain("<h1>Trail shoe €89.90</h1>");
    expect(html).toContain("<p>Berlin</p>");
    expect(html).toContain("<li>Road shoe</li><li>not in the catalog</li>");
    expect(html).toContain("<p>Sock in stock: false</p>");
    // no events yet: "popular" has nothing, the in-stock items are not known to be popular either
    expect(inPlace.fields.subject).toBe("Trail shoe");
    // the worker pool renders the same (the worker's engine has the tags too)
    expect((await renderIsolated("email", content, ready)).fields.html).toBe(html);

    expect(trace).toEqual(
      expect.arrayContaining([
        { kind: "catalog", catalog: "products", id: "sku-1", found: true },
        { kind: "catalog", catalog: "products", id: "nope", found: false },
        { kind: "catalog", catalog: "stores", id: "ber", found: true },
        expect.objectContaining({ kind: "recommend", catalog: "products", strategy: "popular", limit: 2, items: [] }),
      ]),
    );

    // a price change shows at the next render, with the template untouched
    await patchItems(ctx, "products", { items: [{ id: "sku-1", price: 79 }] });
    const after = await lookupsForRender(input);
    expect(renderTemplate("email", content, after.scope).fields.html).toContain("<h1>Trail shoe €79.00</h1>");
  });

  it("recommendations from events, recorded in the trace with the step that chose each item", async () => {
    const { t } = await shop();
    const person = randomUUID();
    const other = randomUUID();
    const at = new Date(Date.now() - SETTLE_MS - 60_000);
    const events = [
      [other, "Order Completed", { products: [{ product_id: "sku-1" }, { product_id: "sku-2" }] }],
      [person, "Order Completed", { products: [{ product_id: "sku-1" }] }],
    ] as const;
    for (const [profile, name, properties] of events)
      await pgPool().query(
        `INSERT INTO "Event" ("workspaceId", "messageId", type, name, "profileId", properties, timestamp, "receivedAt")
         VALUES ($1, gen_random_uuid()::text, 'track', $2, $3, $4, $5, $5)`,
        [t.id, name, profile, JSON.stringify(properties), at],
      );
    await catchUp({ now: new Date() });
    const content = {
      subject: "x",
      html: "{% recommend products bought_together limit: 3 as items %}{% for i in items %}[{{ i.id }}]{% endfor %}",
    };
    const { scope, trace } = await lookupsForRender({
      workspaceId: t.id,
      profileId: person,
      channel: "email",
      content,
      scope: scopeFor({}),
      assets: {},
    });
    // sku-1 is bought (excluded), sku-2 is bought with it, sku-3 is out of stock: one item, then nothing to fall back on
    expect(renderTemplate("email", content, scope).fields.html).toBe("[sku-2]");
    expect(trace).toEqual([
      {
        kind: "recommend",
        catalog: "products",
        strategy: "bought_together",
        limit: 3,
        items: [{ id: "sku-2", via: "bought_together" }],
        seeds: ["sku-1"],
        fallback: [],
        reason: "1 of 3 from bought_together (1 seed item): the person's history is thin",
      },
    ]);
  });

  it("templates without lookups cost nothing; unknown catalogs render nil and say so; bad tags do not parse", async () => {
    const { t } = await shop();
    const plain = { subject: "Hi", html: "<p>{{ profile.userId }}</p>" };
    const scope = scopeFor({});
    const none = await lookupsForRender({
      workspaceId: t.id,
      profileId: null,
      channel: "email",
      content: plain,
      scope,
      assets: {},
    });
    expect(none.scope).toBe(scope);
    expect(none.trace).toEqual([]);

    const unknown = { subject: "x", html: '{% catalog shoes id: "a" %}[{{ item.name }}]' };
    const looked = await lookupsForRender({
      workspaceId: t.id,
      profileId: null,
      channel: "email",
      content: unknown,
      scope,
      assets: {},
    });
    expect(renderTemplate("email", unknown, looked.scope).fields.html).toBe("[]");
    expect(looked.trace).toEqual([
      { kind: "catalog", catalog: "shoes", id: "a", found: false, note: 'no catalog "shoes"' },
    ]);

    expect(parseLiquid("{% recommend products trending %}")).toMatchObject({
      ok: false,
      error: expect.stringContaining('"trending" is not a strategy'),
    });
    expect(parseLiquid("{% catalog products %}")).toMatchObject({
      ok: false,
      error: expect.stringContaining("say which item"),
    });
    expect(parseLiquid("{% catalog products id: x colour: y %}")).toMatchObject({
      ok: false,
      error: expect.stringContaining('unknown option "colour"'),
    });
    expect(
      catalogReferences(
        '{% catalog products id: x %}{{ a | catalog: "stores" }}{% liquid\n recommend shoes popular %}',
      ),
    ).toEqual(["products", "shoes", "stores"]);
  });

  it("prepareRender adds the lookups and their trace; a save naming an unknown catalog is a 422 naming it", async () => {
    const { t, ctx } = await shop();
    const content = { subject: "x", html: "{% catalog products id: event.properties.sku %}{{ item.name }}" };
    const prepared = await prepareRender({
      workspaceId: t.id,
      profileId: null,
      traits: {},
      channel: "email",
      content,
      scope: scopeFor({ sku: "sku-2" }),
      assets: {},
      now: new Date(),
    });
    expect(renderTemplate("email", prepared.content, prepared.scope).fields.html).toBe("Road shoe");
    expect(prepared.trace?.lookups).toEqual([{ kind: "catalog", catalog: "products", id: "sku-2", found: true }]);

    const saved = await createTemplate(ctx, { name: "Product", channel: "email", content });
    expect(saved).toBeTruthy();
    await expect(
      createTemplate(ctx, {
        name: "Typo",
        channel: "email",
        content: { subject: "x", html: '{% recommend prodcts popular as items %}{{ "a" | catalog: "stores" }}' },
      }),
    ).rejects.toMatchObject({
      code: "validation",
      fields: [
        {
          path: "content.html",
          message: 'uses the catalog "prodcts", which does not exist in this workspace (create it under Catalogs)',
        },
      ],
    });
  });
});
