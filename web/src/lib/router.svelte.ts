/** The current route, following the location hash (`#/teams`). */
import { parseHash, type Route } from './routes.js';

/** Call `start()` once; `stop()` on teardown. */
export class Router {
  route = $state.raw<Route>(parseHash(location.hash));

  readonly #onHashChange = (): void => {
    this.route = parseHash(location.hash);
  };

  start(): void {
    this.#onHashChange();
    addEventListener('hashchange', this.#onHashChange);
  }

  stop(): void {
    removeEventListener('hashchange', this.#onHashChange);
  }
}
