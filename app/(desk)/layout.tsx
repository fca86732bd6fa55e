import { getActor } from "@/lib/auth/session";
import { isStaff } from "@/lib/people/identity";
import { mayCreateTicket } from "@/lib/tickets/permissions";
import { Shortcuts } from "../_components/Shortcuts";
import { TopBar } from "../_components/TopBar";

/**
 * The frame of every signed-in page. It shows who is signed in; it does not guard anything
 * (layouts are skipped on partial renders): each page and action checks the session itself.
 * The keyboard shortcuts listen only for people who keep them on (the session's own lookup reads
 * the setting: no query of its own).
 */
export default async function DeskLayout({ children }: { children: React.ReactNode }) {
  const actor = await getActor();
  return (
    <>
      <TopBar actor={actor} />
      <main id="main" className="page">
        {children}
      </main>
      {actor && actor.keyboardShortcuts !== false ? <Shortcuts staff={isStaff(actor)} mayCreate={mayCreateTicket(actor)} /> : null}
    </>
  );
}
