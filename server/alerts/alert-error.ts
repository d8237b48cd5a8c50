/**
 * Errors of the alert book, with the spec's wire codes so that a route can answer
 * `404 not_found`, `409 conflict` or `400 bad_request` without translating.
 */

export type AlertErrorCode = 'not_found' | 'conflict' | 'bad_request';

/** HTTP status of each code. */
export const ALERT_ERROR_STATUS: Readonly<Record<AlertErrorCode, number>> = { not_found: 404, conflict: 409, bad_request: 400 };

/** An action on an alert or silence that cannot be done; the message says why. */
export class AlertError extends Error {
  override readonly name = 'AlertError';

  constructor(readonly code: AlertErrorCode, message: string) {
    super(message);
  }

  get status(): number {
    return ALERT_ERROR_STATUS[this.code];
  }
}
