#!/usr/bin/env node
/**
 * The composition root: the only reader of process.env, the only creator of Redis connections and X
 * clients, the only owner of signals. Everything below receives its world as parameters.
 */
import { Command } from 'commander';
import { resolve } from 'node:path';
import pretty from 'pino-pretty';
import { createApp, type App, type AppDeps } from './app.js';
import { parseConfig, type Config } from './config/env.js';
import { loadClassifierRules } from './config/rules.js';
import { loadTemplates } from './config/templates.js';
import { createClassifier } from './core/classify/index.js';
import { loadPolicy } from './config/policy.js';
import { draftReply } from './core/draft.js';
import { ConfigError } from './errors.js';
import { createLogger, type Logger } from './lib/logger.js';
import { packageRoot } from './lib/package-root.js';
import { encoderOfModel, loadSentenceEncoder, withEncoder } from './lib/sentence-encoder.js';
import { checkRedis, createRedisConnection } from './queue/connection.js';
import { createSlackNotifier } from './responders/slack/index.js';
import { createWebhookNotifier } from './responders/webhook/index.js';
import type { Notifier } from './responders/notify/types.js';
import { startDemoTraffic, type DemoTraffic } from './sandbox/demo-traffic.js';
import { wirePlatforms } from './compose/index.js';
import type { PlatformWiring } from './compose/types.js';
import type { XWiring } from './compose/x.js';
import type { CliIo } from './cli/io.js';
import { runRulesCheck } from './cli/rules-check.js';
import { mentionContext, runClassify } from './cli/classify.js';
import { runLabel } from './cli/label.js';
import { runDraftAction, runDraftsList, runDraftsShow } from './cli/drafts.js';
import { runReport } from './cli/report.js';
import { runEval, type DataCliIo } from './cli/eval.js';
import { MAX_CV_FOLDS, MIN_CV_FOLDS, runTrain } from './cli/train.js';
import { parseModelJson, withModel } from './core/model/index.js';
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import {
  parseBackfillArgs,
  progressLine,
  reportBackfill,
  type BackfillSourceId,
} from './cli/backfill.js';
import {
  promptHidden,
  readAll,
  runUsersAdd,
  runUsersList,
  runUsersRemove,
  runUsersRevokeToken,
  runUsersRole,
  runUsersToken,
  type UsersCliIo,
} from './cli/users.js';
import { createDeskServer } from './desk/server.js';
import { createUserStore, type UserStore } from './store/users.js';
import { createAuditLog } from './store/audit-log.js';
import { createCaseStore, mentionKeyOf } from './store/cases.js';
import { createLabelStore } from './store/labels.js';
import { createMentionStore } from './store/mentions.js';
import { redisKeys, type RedisKeys } from './store/keys.js';
import type { Redis } from 'ioredis';
import { userInfo } from 'node:os';

function buildLogger(config: Readonly<Config>): Logger {
  const format = config.logFormat ?? (process.stdout.isTTY ? 'pretty' : 'json');
  if (format === 'pretty') {
    return createLogger(
      { level: config.logLevel },
      pretty({
        colorize: process.stdout.isTTY,
        translateTime: 'HH:MM:ss',
        singleLine: true,
        ignore: 'pid,hostname,name,caseId,source,mentionId,component',
      }),
    );
  }
  return createLogger({ level: config.logLevel });
}

function loadConfigOrExit(): Readonly<Config> {
  try {
    return parseConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      err(error.message);
      process.exit(78);
    }
    throw error;
  }
}

async function requireRedis(config: Readonly<Config>): Promise<void> {
  const problem = await checkRedis(config.redisUrl);
  if (problem === null) {
    return;
  }
  err(
    `Cannot reach Redis at ${config.redisUrl} (${problem}). Start one with \`docker compose up -d redis\` ` +
      'or `redis-server --daemonize yes`, or point REDIS_URL at a running Redis.',
  );
  process.exit(69);
}

function dirs(config: Readonly<Config>): { rulesDir: string; templatesDir: string } {
  const root = packageRoot();
  return {
    rulesDir: resolve(config.rulesDir ?? `${root}/rules`),
    templatesDir: resolve(config.templatesDir ?? `${root}/templates`),
  };
}

/** Loads rules, templates and the optional trained model; a bad file stops startup with file:line. */
function loadRuntimeOrExit(config: Readonly<Config>, modelOverride: string | null = null) {
  const { rulesDir, templatesDir } = dirs(config);
  try {
    const rules = loadClassifierRules(rulesDir);
    const builtin = createClassifier(rules);
    const modelPath = modelOverride ?? config.classifierModel;
    let classify: AppDeps['classify'] = builtin;
    let needsEncoder = false;
    let modelCategories: string[] = [];
    if (modelPath !== null) {
      const model = parseModelJson(readFileSync(resolve(modelPath), 'utf8'), modelPath);
      modelCategories = Object.keys(model.trainedOn.categories);
      const withTrained = withModel(builtin, model);
      needsEncoder = encoderOfModel(model, modelPath) !== null;
      classify = needsEncoder ? withEncoder(withTrained, loadSentenceEncoder) : withTrained;
    }
    const templates = loadTemplates(
      templatesDir,
      config.brandName ? { brandNames: [config.brandName] } : undefined,
    );
    const ruleCategories = rules.categories.map((category) => category.id);
    const policy = loadPolicy(rulesDir, { categories: ruleCategories });
    // A relabel may name any category the classifier can give: the rules' and the trained model's.
    const categories = [...new Set([...ruleCategories, ...modelCategories])];
    return { classify, templates, policy, needsEncoder, categories };
  } catch (error) {
    if (error instanceof ConfigError) {
      err(error.message);
      process.exit(78);
    }
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      err(
        `Cannot read ${(error as NodeJS.ErrnoException).path ?? 'a file'}: no such file (CLASSIFIER_MODEL or --model)`,
      );
      process.exit(78);
    }
    throw error;
  }
}

function err(line: string): void {
  process.stderr.write(`${line}\n`);
}

const io: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err,
  isTTY: Boolean(process.stderr.isTTY),
};

async function readStdinLines(): Promise<string[]> {
  if (process.stdin.isTTY) {
    return [];
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks)
    .toString('utf8')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

async function withStores<T>(
  config: Readonly<Config>,
  run: (redis: Redis, keys: RedisKeys) => Promise<T>,
): Promise<T> {
  await requireRedis(config);
  const logger = createLogger({ level: 'warn' });
  const redis = createRedisConnection(config.redisUrl, 'store', logger);
  try {
    return await run(redis, redisKeys(config.prefix));
  } finally {
    await redis.quit();
  }
}

function buildNotifiers(config: Readonly<Config>): Notifier[] {
  const notifiers: Notifier[] = [];
  if (config.notify.slackWebhookUrl !== null) {
    notifiers.push(createSlackNotifier({ webhookUrl: config.notify.slackWebhookUrl }));
  }
  if (config.notify.webhookUrl !== null && config.notify.webhookSecret !== null) {
    notifiers.push(
      createWebhookNotifier({ url: config.notify.webhookUrl, secret: config.notify.webhookSecret }),
    );
  }
  return notifiers;
}

async function startCommand(options: { model?: string } = {}): Promise<void> {
  const config = loadConfigOrExit();
  const logger = buildLogger(config);
  await requireRedis(config);

  const { classify, templates, policy, needsEncoder, categories } = loadRuntimeOrExit(
    config,
    options.model ?? null,
  );
  if (needsEncoder) {
    // Loaded now so that a broken install stops startup instead of the first triage.
    try {
      await loadSentenceEncoder();
    } catch (error) {
      err(
        `Cannot load the sentence encoder the model needs: ${error instanceof Error ? error.message : String(error)}`,
      );
      process.exit(70);
    }
  }

  const now = () => new Date();
  let platforms: PlatformWiring[];
  let x: XWiring | null;
  try {
    ({ x, platforms } = await wirePlatforms(config, logger));
  } catch (error) {
    err((error as Error).message);
    process.exit(78);
  }
  if (platforms.length === 0) {
    err(
      'No platform is configured: set X, App Store or Google Play credentials (see .env.example), or none for sandbox mode',
    );
    process.exit(78);
  }
  const brand = x?.brand ?? {
    id: '',
    handle: config.x.brandHandle ?? '',
    name: config.brandName ?? 'Acme',
  };
  const sources = platforms.flatMap((platform) => platform.sources);
  if (config.mode === 'sandbox') {
    logger.info(
      {
        sandboxes: Object.fromEntries(
          platforms.map((platform) => [platform.name, platform.sandboxUrl]),
        ),
        dryRun: config.dryRun,
      },
      'Sandbox mode: no platform credentials set, so earshot runs its own X, App Store and Google Play APIs on loopback',
    );
  } else {
    logger.info(
      { platforms: platforms.map((platform) => platform.name), dryRun: config.dryRun },
      'Live mode',
    );
  }

  const app: App = createApp({
    prefix: config.prefix,
    logger,
    connect: (role) => createRedisConnection(config.redisUrl, role, logger),
    now,
    dryRun: config.dryRun,
    brand,
    policy,
    jitterMs: config.jitterMs,
    watchdogEveryMs: config.watchdogIntervalMs,
    engagementLookup: x?.engagementLookup ?? null,
    engagementWatchEveryMs: config.engagementWatchIntervalMs,
    engagementWatchRequests: config.engagementWatchMaxRequests,
    deskBaseUrl: config.deskBaseUrl,
    privacyUrlConfigured: config.privacyPolicyUrl !== null,
    dmResponders: platforms.flatMap((platform) => platform.dmResponders),
    notifiers: buildNotifiers(config),
    classify,
    draft: (input) =>
      draftReply(templates, {
        ...input,
        brand: {
          name: brand.name,
          handle: brand.handle,
          ...(config.privacyPolicyUrl ? { privacyUrl: config.privacyPolicyUrl } : {}),
        },
      }),
    sources,
    responders: platforms.flatMap((platform) => platform.responders),
  });
  if (config.paused && !(await app.pauseState()).paused) {
    await app.pause('config:PAUSED', 'PAUSED=on at startup');
  }
  await app.start();
  const usersRedis = createRedisConnection(config.redisUrl, 'store', logger);
  const desk = createDeskServer({
    app,
    users: createUserStore(usersRedis, redisKeys(config.prefix)),
    logger,
    ...dirs(config),
    categories,
    metricsToken: config.desk.metricsToken,
    bullBoard: config.desk.bullBoard,
  });
  try {
    await desk.listen({ port: config.port, host: config.host });
  } catch (error) {
    err(
      `Cannot listen on ${config.host}:${config.port} (${(error as Error).message}); set PORT or HOST`,
    );
    await app.stop();
    process.exit(69);
  }
  logger.info(
    { url: `http://${config.host}:${config.port}` },
    'Desk listening (create a login with: earshot users add <name> --role approver)',
  );
  logger.info(
    { prefix: config.prefix, sources: sources.map(({ source }) => source.id) },
    'earshot is listening',
  );
  let demo: DemoTraffic | null = null;
  if (config.mode === 'sandbox' && config.demoTraffic) {
    demo = startDemoTraffic({
      sandboxes: Object.fromEntries(
        platforms.map((platform) => [platform.name, platform.sandboxUrl ?? '']),
      ),
      everyMs: 4000,
      logger,
    });
  }

  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) {
      return;
    }
    shuttingDown = true;
    logger.info({ signal }, 'Shutting down: pollers, workers, sandbox, Redis');
    demo?.stop();
    await desk.close();
    await app.stop();
    await usersRedis.quit();
    for (const platform of platforms) {
      await platform.close();
    }
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

async function backfillCommand(sourceId: BackfillSourceId, since: Date): Promise<number> {
  const config = loadConfigOrExit();
  const { platforms } = await wirePlatforms(config, createLogger({ level: 'warn' }));
  const sources = platforms
    .flatMap((platform) => platform.sources)
    .filter(({ source }) => source.id === sourceId);
  try {
    if (sources.length === 0) {
      err(`${sourceId} is not configured (see .env.example)`);
      return 2;
    }
    return await withApp(
      async (app) => {
        try {
          const progress = await app.backfill(sourceId, since, (update) => {
            if (io.isTTY) {
              process.stderr.write(`\r${progressLine(update)}`);
            }
          });
          if (io.isTTY) {
            process.stderr.write('\n');
          }
          reportBackfill(progress, io);
          return 0;
        } catch (error) {
          err((error as Error).message);
          return 1;
        }
      },
      sources,
      config,
    );
  } finally {
    for (const platform of platforms) {
      await platform.close();
    }
  }
}

/**
 * Builds the app without pollers or workers, for commands that act on queued state (drafts, pause) or
 * read one source on demand (backfill).
 */
async function withApp<T>(
  run: (app: App, config: Readonly<Config>) => Promise<T>,
  sources: AppDeps['sources'] = [],
  config: Readonly<Config> = loadConfigOrExit(),
): Promise<T> {
  await requireRedis(config);
  const { classify, templates, policy } = loadRuntimeOrExit(config);
  const logger = createLogger({ level: 'warn' });
  const app = createApp({
    prefix: config.prefix,
    logger,
    connect: (role) => createRedisConnection(config.redisUrl, role, logger),
    now: () => new Date(),
    dryRun: config.dryRun,
    brand: { id: '', handle: config.x.brandHandle ?? '', name: config.brandName ?? '' },
    policy,
    classify,
    draft: (input) => draftReply(templates, { ...input, brand: { name: config.brandName ?? '' } }),
    sources,
    responders: [],
  });
  try {
    return await run(app, config);
  } finally {
    await app.stop();
  }
}

const cliActor = { name: `cli:${userInfo().username}`, role: 'admin' as const };

function buildProgram(): Command {
  const program = new Command('earshot').description(
    'Hears complaints on X and in app stores and acknowledges each one, safely.',
  );
  program
    .command('start')
    .description(
      'run every role (pollers, workers) in one process; sandbox mode without X credentials',
    )
    .option(
      '--model <file>',
      'classify with a model from `earshot train` (default: CLASSIFIER_MODEL)',
    )
    .action((options: { model?: string }) => startCommand(options));

  program
    .command('rules')
    .description('work with the classification rules and reply templates')
    .command('check')
    .description(
      'validate rules/ and templates/ as startup does (file:line errors); exit 1 if anything is wrong',
    )
    .action(() => {
      process.exitCode = runRulesCheck(dirs(loadConfigOrExit()), io);
    });

  program
    .command('classify')
    .description(
      'classify texts and print the full result with reasons (arguments, or stdin one per line)',
    )
    .argument('[text...]', 'texts to classify')
    .option('--json', 'one JSON object per text')
    .option(
      '--model <file>',
      'a model from `earshot train` (default: CLASSIFIER_MODEL, else the built-in)',
    )
    .option('--source <id>', 'x-mentions (default), x-search, app-store or google-play')
    .option('--lang <tag>', "the mention's language, e.g. en, es, pt-BR")
    .option('--followers <n>', "the author's followers")
    .option('--verified', 'the author is verified')
    .option(
      '--thread <text>',
      'an earlier message of the conversation, oldest first (repeat for more)',
      (text: string, earlier: string[]) => [...earlier, text],
      [] as string[],
    )
    .action(
      async (
        texts: string[],
        options: {
          json?: boolean;
          model?: string;
          source?: string;
          lang?: string;
          followers?: string;
          verified?: boolean;
          thread: string[];
        },
      ) => {
        const mention = mentionContext(options);
        if ('error' in mention) {
          err(mention.error);
          process.exitCode = 2;
          return;
        }
        const config = loadConfigOrExit();
        const { classify } = loadRuntimeOrExit(config, options.model ?? null);
        const input = texts.length > 0 ? [texts.join(' ')] : await readStdinLines();
        process.exitCode = await runClassify(
          input,
          classify,
          { json: options.json ?? false, context: mention.context },
          io,
        );
      },
    );

  program
    .command('label')
    .description(
      'correct the classifier on a case; feeds triage accuracy and `earshot train --from-labels`',
    )
    .argument('<case>', 'case id, e.g. x-1860000000000000001')
    .requiredOption('--complaint <0|1>', 'is it a complaint: 1 or 0')
    .option('--category <id>', 'the right category id from rules/')
    .option('--by <name>', 'who is correcting', `cli:${userInfo().username}`)
    .action(
      async (caseId: string, options: { complaint: string; category?: string; by: string }) => {
        const config = loadConfigOrExit();
        const { categories } = loadRuntimeOrExit(config);
        await withStores(config, async (redis, keys) => {
          process.exitCode = await runLabel(
            {
              cases: createCaseStore(redis, keys),
              mentions: createMentionStore(redis, keys),
              labels: createLabelStore(redis, keys),
              audit: createAuditLog(redis, keys),
              now: () => new Date(),
            },
            { caseId, ...options, knownCategories: categories },
            io,
          );
        });
      },
    );
  const drafts = program.command('drafts').description('drafted replies waiting for a person');
  drafts
    .command('list')
    .description(
      "each waiting draft's id, source post id, severity, deadline and text (nearest deadline first)",
    )
    .option('--json', 'one JSON array')
    .action(async (options: { json?: boolean }) => {
      process.exitCode = await withApp((app) =>
        runDraftsList(app.drafts, io, new Date(), options.json ?? false),
      );
    });
  drafts
    .command('show')
    .argument('<id>', 'draft id')
    .description('everything about one draft: text, reasons, rule, status')
    .action(async (id: string) => {
      process.exitCode = await withApp((app) => runDraftsShow(app.drafts, id, io));
    });
  const draftActions = [
    {
      action: 'approve',
      about:
        'approve a draft: it is queued to send (other waiting drafts of the case are superseded)',
    },
    {
      action: 'reject',
      about: 'reject a draft: it is never sent',
      required: ['--note <text>', 'why (recorded in the audit log)'],
    },
    {
      action: 'edit',
      about: 'replace the text: a new draft that waits for approval',
      required: ['--text <text>', 'the new reply text'],
    },
  ] as const;
  for (const spec of draftActions) {
    const command = drafts
      .command(spec.action)
      .argument('<id>', 'draft id')
      .description(spec.about);
    if ('required' in spec) {
      command.requiredOption(spec.required[0], spec.required[1]);
    }
    command
      .option('--as <name>', 'who acts (recorded in the audit log)', cliActor.name)
      .action(async (id: string, options: { as: string; note?: string; text?: string }) => {
        process.exitCode = await withApp((app) =>
          runDraftAction(
            spec.action,
            app.drafts,
            {
              id,
              actor: { ...cliActor, name: options.as },
              ...(options.note ? { note: options.note } : {}),
              ...(options.text ? { text: options.text } : {}),
            },
            io,
          ),
        );
      });
  }

  program
    .command('pause')
    .description(
      'kill switch: stop all posting at once, in every process; queued work waits in order',
    )
    .option('--reason <text>', 'recorded in the audit log and shown on the desk')
    .action(async (options: { reason?: string }) => {
      await withApp(async (app) => {
        await app.pause(cliActor.name, options.reason ?? null);
        io.out('Paused: nothing is posted until `earshot resume`.');
      });
    });
  program
    .command('resume')
    .description('release the kill switch: queued replies go out in priority order')
    .action(async () => {
      await withApp(async (app) => {
        await app.resume(cliActor.name);
        io.out('Resumed: queued replies go out in priority order.');
      });
    });
  const dataIo: DataCliIo = {
    ...io,
    readFile: (path) => readFile(resolve(path), 'utf8'),
    now: () => performance.now(),
    progress: process.stderr,
  };
  program
    .command('eval')
    .description(
      'measure the classifier on a labeled CSV (id,text,complaint[,category]): accuracy, F1, per category',
    )
    .requiredOption('--data <file>', 'labeled CSV')
    .option('--model <file>', 'a model from `earshot train`; default: the built-in classifier')
    .option('--json', 'end with one JSON object (the last line)')
    .action(async (options: { data: string; model?: string; json?: boolean }) => {
      const config = loadConfigOrExit();
      process.exitCode = await runEval(
        {
          dataPath: options.data,
          ...(options.model ? { modelPath: options.model } : {}),
          json: options.json ?? false,
          rulesDir: dirs(config).rulesDir,
        },
        dataIo,
      );
    });
  program
    .command('train')
    .description(
      'fit a model from a labeled CSV and/or the corrections people made (deterministic)',
    )
    .option('--data <file>', 'labeled CSV (id,text,complaint[,category])')
    .option(
      '--from-labels',
      "add people's relabels from Redis (they win over CSV rows with the same id)",
    )
    .requiredOption('--out <file>', 'where to write the model (JSON)')
    .option(
      '--cv <folds>',
      `first cross-validate with this many folds (${MIN_CV_FOLDS}–${MAX_CV_FOLDS}) and print the scores`,
    )
    .option(
      '--no-encoder',
      'leave out the pretrained sentence encoder: a point less accuracy, but no encoding step (fast to train and use)',
    )
    .action(
      async (options: {
        data?: string;
        fromLabels?: boolean;
        out: string;
        cv?: string;
        encoder: boolean;
      }) => {
        if (options.data === undefined && !options.fromLabels) {
          err('earshot train needs --data FILE.csv, --from-labels, or both');
          process.exitCode = 2;
          return;
        }
        const cvFolds = options.cv === undefined ? undefined : Number(options.cv);
        if (
          cvFolds !== undefined &&
          (!Number.isInteger(cvFolds) || cvFolds < MIN_CV_FOLDS || cvFolds > MAX_CV_FOLDS)
        ) {
          err(
            `earshot train: --cv must be a whole number from ${MIN_CV_FOLDS} to ${MAX_CV_FOLDS}, got "${options.cv}"`,
          );
          process.exitCode = 2;
          return;
        }
        const config = loadConfigOrExit();
        const fromLabels = options.fromLabels
          ? await withStores(config, async (redis, keys) =>
              (await createLabelStore(redis, keys).all()).map((label) => ({
                id: mentionKeyOf({ source: label.source, id: label.mentionId }),
                text: label.text,
                complaint: label.complaint,
                category: label.category,
              })),
            )
          : undefined;
        process.exitCode = await runTrain(
          {
            ...(options.data ? { dataPath: options.data } : {}),
            ...(fromLabels ? { fromLabels } : {}),
            outPath: resolve(options.out),
            rulesDir: dirs(config).rulesDir,
            ...(cvFolds === undefined ? {} : { cvFolds }),
            encoder: options.encoder,
          },
          {
            ...dataIo,
            writeFile: (path, text) => writeFile(path, text, 'utf8'),
            wallClock: () => Date.now(),
          },
        );
      },
    );

  program
    .command('report')
    .description(
      'write the weekly report: volumes, SLA attainment, top issues, incidents, relabels, next actions',
    )
    .option('--week', 'the last 7 days (the default and only period)', true)
    .option('--format <format>', 'md or html', 'md')
    .option('--out <file>', 'write to a file instead of stdout')
    .action(async (options: { week: boolean; format: string; out?: string }) => {
      process.exitCode = await withApp((app) =>
        runReport(
          { week: options.week, format: options.format, out: options.out ?? null },
          { app, io },
        ),
      );
    });

  program
    .command('backfill')
    .description(
      'import history through the same dedupe; nothing older than the reply window is answered',
    )
    .requiredOption('--source <source>', 'x-mentions, app-store or google-play')
    .requiredOption('--since <date>', 'e.g. 2026-11-01')
    .action(async (options: { source: string; since: string }) => {
      const parsed = parseBackfillArgs(options.source, options.since, new Date());
      if ('error' in parsed) {
        err(parsed.error);
        process.exitCode = 2;
        return;
      }
      process.exitCode = await backfillCommand(parsed.source, parsed.since);
    });

  const users = program.command('users').description('people who use the desk and the API');
  const usersIo: UsersCliIo = {
    ...io,
    stdinIsTTY: Boolean(process.stdin.isTTY),
    readStdin: () => readAll(process.stdin),
    promptHidden: (question) => promptHidden(question, process.stdin, process.stderr),
  };
  const withUsers = (run: (deps: { users: UserStore; io: UsersCliIo }) => Promise<number>) =>
    withStores(loadConfigOrExit(), (redis, keys) =>
      run({ users: createUserStore(redis, keys), io: usersIo }),
    );
  users
    .command('add')
    .argument('<name>', 'login name: 2–32 of a-z 0-9 _ . -')
    .requiredOption('--role <role>', 'viewer, approver or admin')
    .option('--password-stdin', 'read the password from stdin instead of a hidden prompt')
    .option('--replace', 'replace an existing user (ends their sessions)')
    .description('create a user (the password is never taken from the command line)')
    .action(
      async (
        name: string,
        options: { role: string; passwordStdin?: boolean; replace?: boolean },
      ) => {
        process.exitCode = await withUsers((deps) => runUsersAdd({ name, ...options }, deps));
      },
    );
  users
    .command('list')
    .description('users, their roles and API tokens')
    .action(async () => {
      process.exitCode = await withUsers((deps) => runUsersList(deps));
    });
  users
    .command('remove')
    .argument('<name>')
    .description('remove a user; their sessions and tokens stop working')
    .action(async (name: string) => {
      process.exitCode = await withUsers((deps) => runUsersRemove({ name }, deps));
    });
  users
    .command('role')
    .argument('<name>')
    .argument('<role>', 'viewer, approver or admin')
    .description("change a user's role")
    .action(async (name: string, role: string) => {
      process.exitCode = await withUsers((deps) => runUsersRole({ name, role }, deps));
    });
  users
    .command('token')
    .argument('<name>')
    .option('--label <label>', 'what the token is for')
    .description('create an API token for a user (printed once)')
    .action(async (name: string, options: { label?: string }) => {
      process.exitCode = await withUsers((deps) => runUsersToken({ name, ...options }, deps));
    });
  users
    .command('revoke-token')
    .argument('<token-or-id>')
    .description('revoke an API token')
    .action(async (token: string) => {
      process.exitCode = await withUsers((deps) => runUsersRevokeToken({ token }, deps));
    });
  return program;
}

// `earshot classify … | head`: the reader went away, which ends the output, not with a crash.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') {
    process.exit(0);
  }
  throw error;
});

await buildProgram().parseAsync(process.argv);
