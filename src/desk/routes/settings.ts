import type { FastifyInstance } from 'fastify';
import type { App } from '../../app.js';
import { checkPolicyFile } from '../../config/policy.js';
import { checkRulesDir, loadClassifierRules } from '../../config/rules.js';
import { checkTemplatesDir, loadTemplates } from '../../config/templates.js';
import type { Policy } from '../../core/policy/index.js';
import type { Severity } from '../../core/types.js';

export interface CheckView {
  ok: boolean;
  files: string[];
  errors: string[];
  version: string | null;
}

export interface CategoryView {
  id: string;
  label: string;
  severity: Severity;
}

export interface TemplateView {
  id: string;
  platform: string;
  kind: string;
  lang: string;
  limit: number;
  /** How many openers, problem phrases, bodies and closers the template varies between. */
  variants: number;
}

/**
 * What the settings page shows: the policy this process runs with, the rules and templates on disk with their
 * versions and check results (as `earshot rules check` reports them).
 */
export interface SettingsView {
  policy: Policy;
  classifierVersion: string | null;
  templatesVersion: string | null;
  /** The policy file changed since this process loaded it: a restart applies it. */
  policyChangedOnDisk: boolean;
  checks: { rules: CheckView; policy: CheckView; templates: CheckView };
  categories: CategoryView[];
  templates: TemplateView[];
}

export interface SettingsSource {
  rulesDir: string;
  templatesDir: string;
}

function loadCategories(rulesDir: string): CategoryView[] {
  try {
    return loadClassifierRules(rulesDir).categories.map((category) => ({
      id: category.id,
      label: category.label,
      severity: category.severity,
    }));
  } catch {
    return [];
  }
}

function loadTemplateViews(templatesDir: string): TemplateView[] {
  try {
    const set = loadTemplates(templatesDir);
    return [...set.templates.values()]
      .map((template) => {
        let variants = template.openers.length + template.closers.length;
        for (const parts of [...template.problems.values(), ...template.bodies.values()]) {
          variants += parts.length;
        }
        return {
          id: template.id,
          platform: template.platform,
          kind: template.kind,
          lang: template.lang,
          limit: template.limit,
          variants,
        };
      })
      .sort((a, b) => a.id.localeCompare(b.id));
  } catch {
    return [];
  }
}

/** Reads the rules and templates directories now: the page shows what a restart would load. */
export function readSettings(app: App, source: SettingsSource): SettingsView {
  const rules = checkRulesDir(source.rulesDir);
  const categories = loadCategories(source.rulesDir);
  const policy = checkPolicyFile(source.rulesDir, {
    categories: categories.map((category) => category.id),
  });
  const templates = checkTemplatesDir(source.templatesDir);
  return {
    policy: app.context.policy,
    classifierVersion: rules.version,
    templatesVersion: templates.ok ? templates.version : null,
    policyChangedOnDisk: policy.version !== null && policy.version !== app.context.policy.version,
    checks: {
      rules,
      policy,
      templates: { ...templates, version: templates.ok ? templates.version : null },
    },
    categories,
    templates: loadTemplateViews(source.templatesDir),
  };
}

/** Category ids from the rules on disk, cached briefly: a relabel must name a category the classifier knows. */
export function categoryLookup(rulesDir: string, ttlMs = 60_000): () => readonly string[] | null {
  let cached: { at: number; ids: readonly string[] | null } | null = null;
  return () => {
    const now = Date.now();
    if (cached !== null && now - cached.at < ttlMs) {
      return cached.ids;
    }
    const ids = loadCategories(rulesDir).map((category) => category.id);
    cached = { at: now, ids: ids.length === 0 ? null : ids };
    return cached.ids;
  };
}

/**
 * Read-only settings: the active policy and the check results of rules/ and templates/. Checking every template
 * combination takes about a second, so a result is reused for `cacheMs`.
 */
export function registerSettingsRoutes(
  server: FastifyInstance,
  app: App,
  source: SettingsSource & { cacheMs?: number },
): void {
  const cacheMs = source.cacheMs ?? 30_000;
  let cached: { at: number; view: SettingsView } | null = null;
  server.get('/api/settings', async () => {
    const now = Date.now();
    if (cached === null || now - cached.at > cacheMs) {
      cached = { at: now, view: readSettings(app, source) };
    }
    return { data: cached.view };
  });
}
