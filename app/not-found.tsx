import Link from "next/link";
import { headers } from "next/headers";
import { getActor } from "@/lib/auth/session";
import { TopBar } from "./_components/TopBar";

/**
 * Every 404: unknown addresses, and (through proxy.ts) tickets that do not exist or that this
 * person may not see, which must look exactly alike.
 */
export default async function NotFound() {
  const actor = await getActor();
  // proxy.ts says when the address was a ticket's.
  const ticket = (await headers()).get("x-triage-missing") === "ticket";
  return (
    <>
      {actor ? <TopBar actor={actor} /> : null}
      <main id="main" className={actor ? "page" : "narrow"}>
        <div className="narrow">
          {actor ? null : <p className="brand">Triage</p>}
          <h1>{ticket ? "Ticket not found" : "Page not found"}</h1>
          <p>
            There is nothing here that you can see. If you followed a link to a ticket, check its number: it may have
            been mistyped, or the ticket may belong to someone else.
          </p>
          <p>
            <Link href="/tickets">Go to the ticket list</Link> or <Link href="/tickets/new">create a new ticket</Link>.
          </p>
        </div>
      </main>
    </>
  );
}
