#!/usr/bin/env -S node --max-semi-space-size=32
// A bigger young generation (Node's default semi-space is 16 MB): the reader allocates
// ~400 MB/s while draining a backlog, and batches that live through their commit's round
// trip were promoted and collected again by full GCs — 25 % of ingest CPU, 13 % with this
// (issue 6; `npm run bench -- --only=ingest`). `npx keywatch` and `npm start` run it so.
// The CLI is TypeScript compiled to dist/ by `npm run build` (run by `npm ci` through `prepare`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/server/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  console.error('keywatch: not built yet. Run `npm ci` (or `npm run build`) in the project folder first.');
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
