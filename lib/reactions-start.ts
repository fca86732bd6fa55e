import { accountEvents } from "./auth/events";
import { reactionsStarted } from "./reactions";
import { ticketEvents } from "./tickets/events";

/**
 * The one place that ties what happens to who reacts (lib/reactions.ts): called once per process
 * before any request is served (instrumentation.ts), and by the tests' setup. The reactions load
 * on the first event, so that registering them reads no configuration and opens no database.
 */
const mail = () => import("./mail/reactions");

export function startReactions() {
  ticketEvents.on("mail", async (tx, e) => (await mail()).onTicketEvent(tx, e));
  accountEvents.on("mail", async (tx, e) => (await mail()).onAccountEvent(tx, e));
  reactionsStarted();
}
