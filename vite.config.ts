/**
 * Builds the browser dashboard: `web/` is the Vite root, the bundle lands in `web/dist`,
 * which the server serves at `/`. `npm run build` runs this after `tsc` has built the server.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const webRoot = fileURLToPath(new URL('./web', import.meta.url));
const devBackend = process.env.KW_DEV_BACKEND ?? 'http://127.0.0.1:8080';

/**
 * The shared protocol modules build TypeBox schemas at load time, and no bundler can prove
 * those calls pure, so importing any *value* from them drags the whole TypeBox runtime
 * (~30 KB gzipped) into the page. The web imports their types only; this makes a slip loud.
 */
function forbidTypeBoxInWeb(): Plugin {
  return {
    name: 'keywatch:forbid-typebox-in-web',
    enforce: 'pre',
    resolveId(source, importer) {
      if (source === '@sinclair/typebox' || source.startsWith('@sinclair/typebox/')) {
        this.error(
          `${importer ?? 'a module'} imports TypeBox, and web code imports a value from it. The web may only ` +
            '`import type` from the schema modules (shared/protocol.ts, overview.ts, teams.ts, collectors.ts, audit.ts, pipeline.ts, alerts.ts); ' +
            'plain constants are in shared/points.ts and shared/channels.ts.',
        );
      }
      return null;
    },
  };
}

export default defineConfig({
  root: webRoot,
  plugins: [forbidTypeBoxInWeb(), svelte()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
  },
  server: {
    // `npx vite` against a running `keywatch serve`: the page from Vite, data from the server.
    proxy: {
      '/ws': { target: devBackend.replace(/^http/, 'ws'), ws: true },
      '/api': devBackend,
      '/healthz': devBackend,
    },
  },
});
