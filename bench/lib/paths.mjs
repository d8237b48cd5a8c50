/** Where things are: the project, the bench, its results. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const PROJECT_ROOT = join(BENCH_ROOT, '..');
export const RESULTS_DIR = join(BENCH_ROOT, 'results');
