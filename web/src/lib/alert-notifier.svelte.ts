/**
 * Opt-in sound and desktop notifications for new critical alerts. Both stay off until the
 * person clicks to switch them on: browsers only let a page play sound after a gesture,
 * and the Notification permission is asked for only then. The sound is made with WebAudio
 * (no audio file to load); a notification is shown only while the page is not in view,
 * since the page's own toast covers the rest.
 */
import type { Alert } from '../../../shared/alerts.js';
import { hrefOf } from './routes.js';
import { notificationText } from './alert-notify.js';

/** `unsupported` when the browser has no Notification API; `denied` once the person refused it. */
export type DesktopState = 'off' | 'on' | 'denied' | 'unsupported';

/** At most one chime this often, however many alerts open together. */
const CHIME_GAP_MS = 2_000;

function notificationsSupported(): boolean {
  return typeof Notification !== 'undefined';
}

/** Three short tones, loud enough to wake someone, short enough not to annoy. */
function chime(context: AudioContext): void {
  const start = context.currentTime + 0.02;
  [880, 660, 880].forEach((frequency, index) => {
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    const at = start + index * 0.2;
    oscillator.type = 'triangle';
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.3, at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.18);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(at);
    oscillator.stop(at + 0.2);
  });
}

export class AlertNotifier {
  soundOn = $state(false);
  desktop = $state<DesktopState>(notificationsSupported() ? 'off' : 'unsupported');

  #audio: AudioContext | null = null;
  #lastChimeMs = 0;

  /** Switches the sound on (call from a click) and plays it once, so the person knows what it sounds like. */
  enableSound(): void {
    try {
      this.#audio ??= new AudioContext();
      void this.#audio.resume();
      chime(this.#audio);
      this.soundOn = true;
    } catch {
      this.soundOn = false;
    }
  }

  disableSound(): void {
    this.soundOn = false;
  }

  /** Asks for the Notification permission (call from a click); on only when granted. */
  async enableDesktop(): Promise<void> {
    if (!notificationsSupported()) return;
    const permission = Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission();
    this.desktop = permission === 'granted' ? 'on' : permission === 'denied' ? 'denied' : 'off';
  }

  disableDesktop(): void {
    if (this.desktop === 'on') this.desktop = 'off';
  }

  /** A new critical alert opened: sound and desktop notification, as switched on. */
  notify(alert: Alert): void {
    if (this.soundOn && this.#audio !== null && Date.now() - this.#lastChimeMs >= CHIME_GAP_MS) {
      this.#lastChimeMs = Date.now();
      chime(this.#audio);
    }
    if (this.desktop === 'on' && (document.visibilityState !== 'visible' || !document.hasFocus())) this.#show(alert);
  }

  #show(alert: Alert): void {
    const { title, body } = notificationText(alert);
    try {
      const notification = new Notification(title, { body, tag: alert.id, requireInteraction: true });
      notification.onclick = () => {
        window.focus();
        location.hash = hrefOf('alerts', { alert: alert.id });
        notification.close();
      };
    } catch {
      // Some browsers only show notifications from a service worker; the toast still shows.
    }
  }
}
