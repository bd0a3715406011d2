// Drops optional dependencies that package-lock.json names but holds no entry for. The package registry
// these machines use has no builds of some platform-specific optional packages (e.g. msgpackr-extract's
// darwin and win32 binaries), so `npm install` leaves those edges dangling and `npm ci` then refuses the
// lock as "out of sync". Optional packages for other platforms are never installed here anyway.
// Run after changing dependencies: node scripts/prune-lock.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
let pruned = 0;
for (const [location, entry] of Object.entries(lock.packages ?? {})) {
  if (!entry.optionalDependencies) {
    continue;
  }
  for (const name of Object.keys(entry.optionalDependencies)) {
    const nested = `${location}/node_modules/${name}`;
    if (!(nested in lock.packages) && !(`node_modules/${name}` in lock.packages)) {
      delete entry.optionalDependencies[name];
      pruned += 1;
    }
  }
}
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
process.stdout.write(
  `prune-lock: removed ${pruned} dangling optional dependenc${pruned === 1 ? 'y' : 'ies'}\n`,
);
