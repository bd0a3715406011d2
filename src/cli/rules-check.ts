import { checkPolicyFile } from '../config/policy.js';
import { checkRulesDir } from '../config/rules.js';
import { checkTemplatesDir } from '../config/templates.js';
import type { CliIo } from './io.js';

/** `earshot rules check`: validates the classifier rules, policy.yaml and templates as startup does; exit 1 on any error. */
export function runRulesCheck(
  options: { rulesDir: string; templatesDir: string },
  io: CliIo,
): number {
  const checks = [
    { label: 'classifier rules', result: checkRulesDir(options.rulesDir) },
    { label: 'policy', result: checkPolicyFile(options.rulesDir) },
    { label: 'templates', result: checkTemplatesDir(options.templatesDir) },
  ];
  let ok = true;
  for (const { label, result } of checks) {
    if (result.ok) {
      io.out(
        `✓ ${label}: ${result.files.length} file(s) valid, version ${result.version ?? 'n/a'}`,
      );
      continue;
    }
    ok = false;
    io.err(`✗ ${label}: ${result.errors.length} problem(s)`);
    for (const error of result.errors) {
      io.err(`  ${error}`);
    }
  }
  return ok ? 0 : 1;
}
