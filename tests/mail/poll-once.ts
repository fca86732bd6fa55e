/**
 * One mailbox poll in a process of its own, so that a test can kill it with SIGKILL mid-poll.
 * Run as: node --conditions=react-server --import tsx tests/mail/poll-once.ts <imap-url>
 */
import { pollMailbox } from "../../lib/mail/poll";
import { startReactions } from "../../lib/reactions-start";

// As the server does at start (instrumentation.ts): what a change sets off is registered first.
startReactions();

pollMailbox({ url: process.argv[2], owner: `child-${process.pid}` }).then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
