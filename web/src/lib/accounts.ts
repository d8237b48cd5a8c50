/**
 * Users and API tokens as the admin's Users view handles them (`/api/users`, `/api/tokens`):
 * the shapes on the wire, the checks made before sending a form, and how dates read.
 */
import type { Role } from '../../../shared/channels.js';

/** `GET /api/users` row. */
export interface UserView {
  readonly name: string;
  readonly role: Role;
  readonly createdAt: number;
}

/** `GET /api/tokens` row; `expiresAt` null = never. */
export interface TokenView {
  readonly name: string;
  readonly role: Role;
  readonly createdAt: number;
  readonly expiresAt: number | null;
}

/** `POST /api/users` answer: `password` is the generated one, shown once, or null when one was given. */
export interface UserCreated {
  readonly name: string;
  readonly role: Role;
  readonly password: string | null;
}

/** `POST /api/tokens` answer: `token` is shown once. */
export interface TokenCreated {
  readonly name: string;
  readonly role: Role;
  readonly token: string;
  readonly expiresAt: number | null;
}

/** What the roles may do, for the role pickers. */
export const ROLE_HINTS: Record<Role, string> = {
  admin: 'everything, including users and tokens',
  security: 'all live views and the audit trail',
  oncall: 'all live views except the audit trail',
  manager: 'overview and teams, k-anonymised',
};

/** Longest user or token name the server takes. */
export const MAX_NAME_LENGTH = 64;
/** Longest token lifetime the server takes, in days. */
export const MAX_TTL_DAYS = 3650;

/** The problem with a user or token name, or null when it may be sent. */
export function nameProblem(name: string): string | null {
  if (name.trim() === '') return 'Enter a name.';
  if (name !== name.trim()) return 'The name may not start or end with a space.';
  if (name.length > MAX_NAME_LENGTH) return `The name may have at most ${MAX_NAME_LENGTH} characters.`;
  return null;
}

/** A token lifetime from its form field: empty = the server's default; otherwise whole days 1–3650. */
export function parseTtlDays(text: string): { ok: true; days: number | undefined } | { ok: false; problem: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, days: undefined };
  const days = Number(trimmed);
  if (!/^\d+$/.test(trimmed) || days < 1 || days > MAX_TTL_DAYS) return { ok: false, problem: `Lifetime: whole days from 1 to ${MAX_TTL_DAYS}, or empty for the default.` };
  return { ok: true, days };
}

const dateTime = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

/** A date and time, local (`Nov 30, 2026, 10:41`). */
export function formatDateTime(ms: number): string {
  return dateTime.format(new Date(ms));
}

/** When a token expires, as a person would want to read it. */
export function expiryText(expiresAt: number | null, nowMs: number): string {
  if (expiresAt === null) return 'never';
  if (expiresAt <= nowMs) return `expired ${formatDateTime(expiresAt)}`;
  const days = Math.max(1, Math.round((expiresAt - nowMs) / 86_400_000));
  return `${formatDateTime(expiresAt)} (in ${days === 1 ? '1 day' : `${days} days`})`;
}
