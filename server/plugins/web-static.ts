/** Serves the built dashboard (`web/dist`) at `/`. */
import fp from 'fastify-plugin';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: the nearest folder above this module with a package.json (works from dist/ and from source). */
export function packageRoot(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(folder, 'package.json'))) {
    const parent = dirname(folder);
    if (parent === folder) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    folder = parent;
  }
  return folder;
}

async function webStatic(fastify: FastifyInstance): Promise<void> {
  const root = join(packageRoot(), 'web', 'dist');
  if (!existsSync(join(root, 'index.html'))) {
    fastify.log.warn('web/dist is missing: run `npm run build` to build the dashboard');
    fastify.get('/', async (_request, reply) =>
      reply.code(503).send({ error: 'unavailable', message: 'The dashboard is not built: run `npm run build`.' }));
    return;
  }
  await fastify.register(fastifyStatic, { root, prefix: '/', index: 'index.html' });
}

export default fp(webStatic, { name: 'keywatch-web-static', fastify: '5.x' });
