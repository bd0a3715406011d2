import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fastifyStatic } from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { packageRoot } from '../lib/package-root.js';

/** Where `npm run build:ui` writes the bundle (app.js, app.css, index.html). */
export function defaultPublicDir(): string {
  return join(packageRoot(), 'dist', 'desk', 'public');
}

/** Paths the single-page app owns; each serves the same HTML shell, and the page loads its data from the API. */
export const UI_PATHS = [
  '/',
  '/login',
  '/cases',
  '/cases/:id',
  '/people',
  '/sla',
  '/settings',
] as const;

/**
 * The web UI: the HTML shell and the bundled assets under /static/, public because they hold no data. Everything
 * they show comes from the authenticated API.
 */
export function registerUi(server: FastifyInstance, publicDir: string): void {
  server.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...route.config, public: true };
    });
    if (existsSync(publicDir)) {
      await scope.register(fastifyStatic, {
        root: publicDir,
        prefix: '/static/',
        index: false,
        wildcard: true,
        decorateReply: false,
      });
    }
    for (const path of UI_PATHS) {
      scope.get(path, async (_request, reply) => {
        const shell = join(publicDir, 'index.html');
        if (!existsSync(shell)) {
          return reply
            .code(503)
            .type('text/plain; charset=utf-8')
            .send('The desk UI is not built: run `npm run build:ui` (npm run build does it too).');
        }
        return reply.type('text/html; charset=utf-8').send(await readFile(shell, 'utf8'));
      });
    }
  });
}
