/**
 * Runs once when the server starts, before it serves a request: the reactions to what the desk
 * records (mail today) are registered, and the background jobs (the hourly sweep of files no
 * attachment names; outbox delivery, mailbox polling) live in the web server's own process, so
 * `npm start` is still the one thing to run.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startReactions } = await import("./lib/reactions-start");
  startReactions();
  const { startFileSweeper } = await import("./lib/tickets/file-sweeper");
  startFileSweeper();
  if (process.env.TRIAGE_MAIL_WORKERS === "off") return;
  const { startMailWorkers } = await import("./lib/mail/worker");
  startMailWorkers();
}
