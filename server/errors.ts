/**
 * Every internal error code in one place. Codes travel in logs and exceptions
 * (`KW_ERR_…`); the wire uses the short codes of the spec (`bad_request`, …).
 */
export const ErrorCode = {
  config: 'KW_ERR_CONFIG',
  sourceUnavailable: 'KW_ERR_SOURCE_UNAVAILABLE',
  commitConflict: 'KW_ERR_COMMIT_CONFLICT',
  usage: 'KW_ERR_USAGE',
  notBuilt: 'KW_ERR_NOT_BUILT',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An error that carries a code and a message saying what happened and what to do. */
export class KeywatchError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'KeywatchError';
  }
}
