/** Types of log.mjs (plain JavaScript: server/server.mjs imports it too). */
import type { AsyncLocalStorage } from "node:async_hooks";
import type { IncomingMessage, ServerResponse } from "node:http";

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFormat = "text" | "json";

export const LOG_FORMATS: readonly ["text", "json"];
export function logFormat(value?: string): LogFormat;
export const requestContext: AsyncLocalStorage<{ requestId: string }>;
export function currentRequestId(): string | undefined;
export function outsideRequest<T>(fn: () => T): T;
export function requestIdFor(incoming: string | string[] | undefined, fromTrustedProxy: boolean): string;
export function logPath(url: string | undefined): string;
export function formatLine(record: { time: string; level: string; msg: string; requestId?: string; [field: string]: unknown }, format: LogFormat): string;
export function logLine(level: LogLevel, msg: string, fields?: Record<string, unknown>): void;
export function logResponse(req: IncomingMessage, res: ServerResponse, about: { requestId: string; client: () => string | null }): void;
export function patchConsole(): void;
