import { execFileSync } from 'node:child_process';

/** The browser tests load the real bundle: build it once, exactly as `npm run build:ui` does. */
export default function setup(): void {
  execFileSync('npm', ['run', '--silent', 'build:ui'], { stdio: 'inherit' });
}
