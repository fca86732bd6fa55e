import Link from "next/link";
import { requireActor } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { NewTicketForm } from "./NewTicketForm";

export const metadata = { title: "New ticket" };

export default async function NewTicketPage() {
  await requireActor();
  return (
    <div className="narrow">
      <p className="crumbs"><Link href="/tickets" prefetch={false}>Tickets</Link></p>
      <h1>New ticket</h1>
      <NewTicketForm maxBytes={env().attachmentMaxBytes} />
    </div>
  );
}
