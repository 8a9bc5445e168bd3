import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { OutboxMailView } from "@/components/messages/outbox-mail-view";
import { PageHeader } from "@/components/shell/page-header";
import { Card } from "@/components/ui/card";
import { formatDateTime } from "@/components/ui/format";
import { AppError } from "@/lib/errors";
import { requirePageWorkspace } from "@/lib/http/page-auth";
import { getOutboxMail, type OutboxMail } from "@/lib/messaging/outbox";

export const metadata: Metadata = { title: "Outbox mail" };

export default async function OutboxMailPage({ params }: { params: Promise<{ slug: string; id: string }> }) {
  const { slug, id } = await params;
  const { ctx } = await requirePageWorkspace(slug, `/w/${slug}/outbox/${id}`);
  let mail: OutboxMail;
  try {
    mail = await getOutboxMail(ctx, id);
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  }
  return (
    <>
      <PageHeader
        title={mail.subject || "(no subject)"}
        description={
          <>
            Received {formatDateTime(mail.receivedAt)} for {mail.to.join(", ")}
            {mail.messageId ? (
              <>
                {" · "}
                <Link href={`/w/${slug}/messages/${mail.messageId}`} className="text-brand-700 hover:underline">
                  the message&apos;s status and timeline
                </Link>
              </>
            ) : (
              " · a test send"
            )}
          </>
        }
      />
      <div className="mt-6">
        <Card>
          <OutboxMailView mail={mail} />
        </Card>
      </div>
    </>
  );
}
