import { cache } from "react";

/**
 * The time zone of the person this request is for, per request (React's cache is scoped to one
 * server render): set once when the session is read (lib/auth/session.ts), read by every <Time>,
 * so that no page has to pass a zone through each table row.
 */
export const requestTimeZone = cache(() => ({ zone: "UTC" }));
