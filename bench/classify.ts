// Throughput of the built-in classifier on synthetic mentions generated here (no data set is read).
//
//   node --import ./scripts/dev-eval-register.mjs bench/classify.ts [--texts 20000] [--rounds 5] [--rules rules]
//
// Every classification computes everything the pipeline uses: complaint, confidence, sentiment, category,
// severity, flags and reasons. Prints texts/s by wall clock and by process CPU time (the latter is steadier on a
// busy machine), best and median of the rounds.
import { loadClassifierRules } from '../src/config/rules.js';
import { createClassifier } from '../src/core/classify/index.js';
import type { ClassifierInput, SourceId } from '../src/core/types.js';
import { seededRandom as random } from '../src/core/seeded-random.js';

const OPENERS = ['', '@acme ', '@acme_help ', '@acme @acmesupport ', 'Hey @acme, '];
const COMPLAINTS = [
  'my order still has not arrived and nobody answers the phone',
  'the app keeps crashing since the last update',
  'I was charged twice for my subscription and want a refund',
  'been on hold for {n} minutes, this is ridiculous',
  'your website is down again, error {n}',
  'worst customer service ever, never again',
  "I can't log in, the password reset email never comes",
  'the driver was rude and my package is {n} days late',
  'thanks for nothing, still waiting for a reply',
  'great, another outage. Two hours without service.',
];
const PRAISE = [
  'thank you so much for the quick help!',
  'love the new update, works perfectly',
  'shout out to Maria in support, you rock',
  'delivery arrived early and the packaging was lovely',
  'best app I have used this year, highly recommend',
];
const QUESTIONS = [
  'do you ship to Canada?',
  'what time does the store open on Sunday?',
  'how do I change my delivery address',
  'is there a student discount?',
];
const NOISE = [
  'watching the game tonight with friends',
  'new blog post about our trip to Lisbon',
  'see you all at the conference next week',
  'just landed, what a view',
];
const TAILS = [
  '',
  '',
  ' 😡',
  ' :(',
  ' 🙏',
  ' #fail',
  ' #NeverAgain',
  ' https://t.co/{w}',
  ' order #{n}0{n}',
];
const SOURCES: SourceId[] = ['x-mentions', 'x-mentions', 'x-search', 'app-store', 'google-play'];

function pick<T>(items: readonly T[], next: () => number): T {
  const item = items[Math.floor(next() * items.length)];
  if (item === undefined) {
    throw new Error('empty list');
  }
  return item;
}

function generate(count: number): ClassifierInput[] {
  const next = random(42);
  const inputs: ClassifierInput[] = [];
  for (let i = 0; i < count; i += 1) {
    const roll = next();
    let body: string;
    if (roll < 0.55) {
      body = pick(COMPLAINTS, next);
    } else if (roll < 0.7) {
      body = pick(PRAISE, next);
    } else if (roll < 0.85) {
      body = pick(QUESTIONS, next);
    } else {
      body = pick(NOISE, next);
    }
    const text = `${pick(OPENERS, next)}${body}${pick(TAILS, next)}`
      .replaceAll('{n}', String(Math.floor(next() * 500) + 2))
      .replaceAll('{w}', Math.floor(next() * 1e9).toString(36));
    inputs.push({
      text,
      source: pick(SOURCES, next),
      lang: next() < 0.8 ? 'en' : null,
      author: { followersCount: Math.floor(next() * 50_000), verified: next() < 0.02 },
    });
  }
  return inputs;
}

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at >= 0 ? (process.argv[at + 1] ?? fallback) : fallback;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function main(): void {
  const count = Number(option('--texts', '20000'));
  const rounds = Number(option('--rounds', '5'));
  const classify = createClassifier(loadClassifierRules(option('--rules', 'rules')));
  const inputs = generate(count);

  let complaints = 0;
  for (const input of inputs) {
    complaints += classify(input).complaint ? 1 : 0;
  }

  const wall: number[] = [];
  const cpu: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const startedCpu = process.cpuUsage();
    const started = performance.now();
    for (const input of inputs) {
      classify(input);
    }
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(startedCpu);
    wall.push(count / seconds);
    cpu.push(count / ((used.user + used.system) / 1e6));
  }

  const format = (value: number): string => Math.round(value).toLocaleString('en');
  console.log(
    `built-in classifier: ${count} synthetic texts × ${rounds} rounds (${complaints} complaints)`,
  );
  console.log(
    `  wall clock: best ${format(Math.max(...wall))} texts/s, median ${format(median(wall))} texts/s`,
  );
  console.log(
    `  CPU time:   best ${format(Math.max(...cpu))} texts/s, median ${format(median(cpu))} texts/s`,
  );
  console.log(
    `  target ≥ 100,000 texts/s: ${median(wall) >= 100_000 ? 'met' : 'not met'} (median wall clock)`,
  );
}

main();
