// Builds dist/ once before the tests, so CLI and protocol tests run the real bundle (with the
// copied wasm files), not the sources.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default function setup(): void {
  if (process.env.KERAS_LINT_SKIP_BUILD === '1') return;
  execFileSync(process.execPath, [join(__dirname, '..', 'scripts', 'build.mjs')], { stdio: 'inherit' });
}
