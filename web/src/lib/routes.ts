/**
 * The dashboard's views, their hash routes (`#/teams`, `#/alerts?severity=critical`) and who may open them. The server
 * enforces access; this only mirrors it so that a link appears only when it would work.
 * A view tied to a channel may be opened when the channel is among those the server's
 * `hello` offered (before `hello`, those `channelsFor` the role); Users is admin only.
 */
import { CHANNEL_ACCESS, type ChannelName, type Role } from '../../../shared/channels.js';

export const VIEW_NAMES = ['overview', 'alerts', 'teams', 'collectors', 'pipeline', 'users', 'audit'] as const;
export type ViewName = (typeof VIEW_NAMES)[number];

/** One view of the dashboard. */
export interface ViewSpec {
  readonly name: ViewName;
  readonly label: string;
  /** The live channel the view shows, subscribed while it is open. */
  readonly channel: ChannelName | null;
  /** For views without a channel: the roles that may open it. */
  readonly roles: readonly Role[] | null;
}

export const VIEWS: readonly ViewSpec[] = [
  { name: 'overview', label: 'Overview', channel: 'overview', roles: null },
  { name: 'alerts', label: 'Alerts', channel: 'alerts', roles: null },
  { name: 'teams', label: 'Teams', channel: 'teams', roles: null },
  { name: 'collectors', label: 'Collectors', channel: 'collectors', roles: null },
  { name: 'pipeline', label: 'Pipeline', channel: 'pipeline', roles: null },
  { name: 'users', label: 'Users', channel: null, roles: ['admin'] },
  { name: 'audit', label: 'Audit', channel: 'audit', roles: null },
];

/** A view's options in the hash after `?` (`#/alerts?severity=critical`): filters, a selected item. */
export type RouteParams = Readonly<Record<string, string>>;

/** Where the location hash points. */
export type Route =
  | { readonly kind: 'view'; readonly view: ViewName; readonly params: RouteParams }
  | { readonly kind: 'unknown'; readonly path: string };

/** What decides access: the role, and the channels the server offers it. */
export interface Access {
  readonly role: Role;
  readonly channels: readonly ChannelName[];
}

/** The spec of a view. */
export function viewSpec(name: ViewName): ViewSpec {
  return VIEWS.find((view) => view.name === name)!;
}

/** `#/teams` → the Teams view; an empty hash or `#/` → Overview; anything else is unknown. Params follow `?`. */
export function parseHash(hash: string): Route {
  const [rawPath = '', query = ''] = hash.replace(/^#/, '').split(/\?(.*)/s, 2);
  const path = rawPath.replace(/^\/+|\/+$/g, '').toLowerCase();
  const params = Object.fromEntries(new URLSearchParams(query));
  if (path === '') return { kind: 'view', view: 'overview', params };
  const view = VIEW_NAMES.find((name) => name === path);
  return view === undefined ? { kind: 'unknown', path } : { kind: 'view', view, params };
}

/** The link to a view, with its params (empty ones left out). */
export function hrefOf(view: ViewName, params: RouteParams = {}): string {
  const query = new URLSearchParams(Object.entries(params).filter(([, value]) => value !== '')).toString();
  return query === '' ? `#/${view}` : `#/${view}?${query}`;
}

/** Whether `access` may open `view`. */
export function mayOpen(view: ViewName, access: Access): boolean {
  const spec = viewSpec(view);
  if (spec.roles !== null && !spec.roles.includes(access.role)) return false;
  return spec.channel === null || access.channels.includes(spec.channel);
}

/** The views whose links are shown, in menu order. */
export function visibleViews(access: Access): ViewSpec[] {
  return VIEWS.filter((view) => mayOpen(view.name, access));
}

/** The roles that may open `view`, for the "not allowed" page. */
export function rolesFor(view: ViewName): readonly Role[] {
  const spec = viewSpec(view);
  return spec.roles ?? (spec.channel === null ? [] : CHANNEL_ACCESS[spec.channel]);
}
