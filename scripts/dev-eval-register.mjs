// Lets Node 20 run the repo's TypeScript files directly (Node 20 has no --experimental-strip-types):
//   node --import ./scripts/dev-eval-register.mjs scripts/dev-eval.ts
//   node --import ./scripts/dev-eval-register.mjs bench/classify.ts
// Types are erased with the TypeScript compiler already in devDependencies; nothing is type-checked here
// (`npm run typecheck` does that).
import { register } from 'node:module';

register('./dev-eval-loader.mjs', import.meta.url);
