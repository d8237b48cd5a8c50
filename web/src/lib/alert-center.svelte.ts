/**
 * The alerts of this session as reactive state, for the whole dashboard: the Alerts view
 * reads the list, the header its toasts. It listens to the `alerts` channel (hand it to
 * `Connection.subscribe` while the role may see alerts), keeps the last event id so that a
 * reconnect resumes where it stopped, and takes the alerts HTTP actions answer with.
 */
import type { Alert, AlertsSnapshotData } from '../../../shared/alerts.js';
import { applyAlertEvent, applyAnswer, applySnapshot, EMPTY_ALERT_LIST, isOpen, orderAlerts, type AlertList, type HeldAlert } from './alert-list.js';
import { isNewCritical } from './alert-notify.js';
import type { FeedStatus } from './channel-feed.svelte.js';
import type { AlertsListener, ChannelRefusal } from './channel-registry.js';
import type { AlertMessage } from '../../../shared/protocol.js';

/** A new critical alert, shown until dismissed. */
export interface AlertToast {
  readonly alert: Alert;
  /** Client time it was raised. */
  readonly raisedAtMs: number;
}

/** Toasts held at most (the newest); the view shows a few and counts the rest. */
const MAX_TOASTS = 20;

export class AlertCenter implements AlertsListener {
  list = $state.raw<AlertList>(EMPTY_ALERT_LIST);
  status = $state<FeedStatus>('waiting');
  refusal = $state.raw<ChannelRefusal | null>(null);
  /** New critical alerts not yet dismissed, newest first. */
  toasts = $state.raw<AlertToast[]>([]);

  /** Every alert held, most urgent first. */
  ordered: Alert[] = $derived(orderAlerts([...this.list.alerts.values()].map((held) => held.alert)));
  /** How many are open (firing or acknowledged). */
  openCount: number = $derived(this.ordered.filter(isOpen).length);

  readonly #onNewCritical: (alert: Alert) => void;

  /** @param onNewCritical told of each new critical alert no silence covers (sound, desktop notification) */
  constructor(onNewCritical: (alert: Alert) => void = () => {}) {
    this.#onNewCritical = onNewCritical;
  }

  snapshot(data: AlertsSnapshotData): void {
    this.list = applySnapshot(this.list, data);
    // Alerts resolved while away are gone from the list: so are their toasts.
    if (!data.recovered) this.toasts = this.toasts.filter((toast) => this.list.alerts.get(toast.alert.id)?.alert.state === 'firing');
    this.#live();
  }

  /** The channel sends snapshots and alert events; an update, should one come, is read as a snapshot. */
  update(data: AlertsSnapshotData): void {
    this.snapshot(data);
  }

  alert(message: AlertMessage): void {
    const outcome = applyAlertEvent(this.list, message, Date.now());
    this.list = outcome.list;
    if (isNewCritical(outcome.transition, outcome.alert)) {
      this.toasts = [{ alert: outcome.alert, raisedAtMs: Date.now() }, ...this.toasts].slice(0, MAX_TOASTS);
      this.#onNewCritical(outcome.alert);
    } else if (outcome.transition !== null && outcome.alert.state !== 'firing') {
      // Acknowledged or resolved (here or elsewhere): nobody needs the toast any more.
      this.dismissToast(outcome.alert.id);
    }
  }

  resumePoint(): string | null {
    return this.list.lastEventId;
  }

  refused(refusal: ChannelRefusal): void {
    this.refusal = refusal;
    this.status = 'refused';
  }

  /** An alert as an ack or resolve answered it. */
  answer(alert: Alert): void {
    this.list = applyAnswer(this.list, alert);
    if (alert.state !== 'firing') this.dismissToast(alert.id);
  }

  /** The alert with its timeline. */
  held(id: string): HeldAlert | undefined {
    return this.list.alerts.get(id);
  }

  dismissToast(alertId: string): void {
    if (this.toasts.some((toast) => toast.alert.id === alertId)) this.toasts = this.toasts.filter((toast) => toast.alert.id !== alertId);
  }

  dismissAllToasts(): void {
    this.toasts = [];
  }

  #live(): void {
    this.refusal = null;
    this.status = 'live';
  }
}
