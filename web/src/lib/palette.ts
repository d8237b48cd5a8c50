/**
 * Series colours: the Okabe–Ito palette (distinguishable with the common colour-vision
 * deficiencies), darkened where needed to keep contrast on white; yellow is left out.
 */
import type { RedactionReason } from '../../../shared/overview.js';
import type { VOLUME_KINDS } from './chart-data.js';

export const VOLUME_COLOURS: Record<(typeof VOLUME_KINDS)[number], string> = {
  keys: '#0072B2',
  clicks: '#E69F00',
  moves: '#009E73',
  scrolls: '#CC79A7',
};

export const REASON_COLOURS: Record<RedactionReason, string> = {
  password: '#D55E00',
  email: '#0072B2',
  phone: '#009E73',
  card: '#E69F00',
  credential: '#CC79A7',
  govid: '#56B4E9',
  other: '#7A7A7A',
};

/** `#RRGGBB` with an alpha, for area fills under a solid line. */
export function translucent(hex: string, alpha: number): string {
  const channel = (offset: number): number => parseInt(hex.slice(offset, offset + 2), 16);
  return `rgba(${channel(1)}, ${channel(3)}, ${channel(5)}, ${alpha})`;
}
