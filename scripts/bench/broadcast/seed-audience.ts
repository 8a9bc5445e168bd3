/**
 * bench:broadcast's data: a workspace and its owner, an email channel set to SMTP on the sink (127.0.0.1), a
 * template whose subject and body use two traits, PROFILES people with an email and those traits, and a manual
 * segment holding all of them. Workspace, channel, template and segment go through the domain functions (as a
 * person would make them); the people and the memberships are synthesized in SQL (INSERT … SELECT FROM
 * generate_series, in chunks), which takes seconds where the ingestion API would take many minutes.
 */
import pg from "pg";
import type { WorkspaceContext } from "../../../lib/auth/context";
import { benchWorkspace } from "../harness";

export const FIRST_NAMES = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken"];
export const PLANS = ["free", "pro", "team"];

/** The broadcast's email: two traits in the subject and the body, and the unsubscribe link marketing mail needs. */
export const EMAIL_CONTENT = {
  subject: "{{ profile.traits.first_name }}, what is new on the {{ profile.traits.plan }} plan",
  html:
    "<p>Hi {{ profile.traits.first_name }},</p>" +
    "<p>Your {{ profile.traits.plan }} plan now includes scheduled exports and two more seats. " +
    '<a href="https://shop.example/whats-new">See what is new</a>.</p>' +
    '<p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>',
};

/** The email the bare loop sends to person i: EMAIL_CONTENT rendered by hand, with an unsubscribe link of the same length. */
export function prerendered(i: number): { to: string; subject: string; html: string } {
  const firstName = FIRST_NAMES[i % FIRST_NAMES.length];
  const plan = PLANS[i % PLANS.length];
  return {
    to: `person-${i}@example.com`,
    subject: `${firstName}, what is new on the ${plan} plan`,
    html:
      `<p>Hi ${firstName},</p>` +
      `<p>Your ${plan} plan now includes scheduled exports and two more seats. ` +
      '<a href="https://shop.example/whats-new">See what is new</a>.</p>' +
      `<p><a href="https://cairn.example/u/${String(i).padStart(43, "0")}">Unsubscribe</a></p>`,
  };
}

export interface Audience {
  owner: WorkspaceContext;
  workspaceId: string;
  templateId: string;
  segmentId: string;
}

const CHUNK = 250_000;

export async function seedAudience(
  databaseUrl: string,
  options: { profiles: number; smtpPort: number; log: (line: string) => void },
): Promise<Audience> {
  const { saveChannelConfig } = await import("../../../lib/messaging/channel-config");
  const { createTemplate } = await import("../../../lib/messaging/templates/create-template");
  const { createSegment } = await import("../../../lib/segments/create-segment");

  const { workspace, owner } = await benchWorkspace();
  await saveChannelConfig(owner, "email", {
    settings: {
      mode: "smtp",
      fromAddress: "news@shop.example",
      fromName: "Shop",
      host: "127.0.0.1",
      port: options.smtpPort,
    },
  });
  const template = await createTemplate(owner, { name: "What is new", channel: "email", content: EMAIL_CONTENT });
  const segment = await createSegment(owner, { name: "Everyone (bench)", kind: "manual" });

  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const started = performance.now();
    const now = new Date();
    for (let from = 1; from <= options.profiles; from += CHUNK) {
      const to = Math.min(options.profiles, from + CHUNK - 1);
      await client.query(
        `INSERT INTO "Profile" (id, "workspaceId", "userId", email, traits, "firstSeenAt", "lastSeenAt", "createdAt", "updatedAt")
         SELECT gen_random_uuid(), $1, 'person-' || i, 'person-' || i || '@example.com',
                jsonb_build_object('first_name', ($5::text[])[1 + i % cardinality($5::text[])],
                                   'plan', ($6::text[])[1 + i % cardinality($6::text[])]),
                $2, $2, $2, $2
           FROM generate_series($3::int, $4::int) i`,
        [workspace.id, now, from, to, FIRST_NAMES, PLANS],
      );
      options.log(`profiles: ${to.toLocaleString("en")} / ${options.profiles.toLocaleString("en")}`);
    }
    await client.query(
      `INSERT INTO "SegmentMembership" ("segmentId", "profileId", "workspaceId", "enteredAt")
       SELECT $1, id, $2, $3 FROM "Profile" WHERE "workspaceId" = $2`,
      [segment.id, workspace.id, now],
    );
    await client.query(`UPDATE "Segment" SET "memberCount" = $2 WHERE id = $1`, [segment.id, options.profiles]);
    // A fresh table's statistics say it is empty until analyzed: the send's plans would assume so.
    await client.query(`VACUUM ANALYZE "Profile"`);
    await client.query(`VACUUM ANALYZE "SegmentMembership"`);
    options.log(`audience synthesized in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await client.end();
  }
  return { owner, workspaceId: workspace.id, templateId: template.id, segmentId: segment.id };
}
