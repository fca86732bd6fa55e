import { ConfigError } from "../../lib/env";
import { Refused } from "./manifest";

/**
 * Runs a command's main: bad input (Refused, a bad configuration) is one line on stderr and exit
 * code 1; anything else is a bug, printed whole, exit code 1 as well.
 */
export function runCommand(name: string, main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (e) => {
      if (e instanceof Refused || e instanceof ConfigError) console.error(`${name}: ${e.message}`);
      else console.error(`${name} failed:`, e);
      process.exit(1);
    },
  );
}

/** Whole megabytes, or kilobytes under one, for a log line. */
export function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

/** Removes `cleanup`'s work if the command is interrupted (Ctrl-C, SIGTERM), then exits; returns a function that stops listening. */
export function onInterrupt(cleanup: () => void): () => void {
  const handler = (signal: NodeJS.Signals) => {
    cleanup();
    console.error(`Interrupted (${signal}): nothing was written.`);
    process.exit(130);
  };
  process.once("SIGINT", handler);
  process.once("SIGTERM", handler);
  return () => {
    process.off("SIGINT", handler);
    process.off("SIGTERM", handler);
  };
}
