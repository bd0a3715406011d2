import type { Logger } from '../lib/logger.js';

/**
 * A trickle of varied, hand-written demo posts for sandbox mode, so a newcomer sees the whole loop:
 * complaints of every kind, praise, questions, noise, opt-outs, and keyword-only posts that never
 * mention the brand.
 */

interface DemoPost {
  text: string;
  kind: 'mention' | 'keyword';
}

const FIRST_NAMES = [
  'Sam',
  'Priya',
  'Jonas',
  'Mei',
  'Carlos',
  'Aisha',
  'Tom',
  'Lena',
  'Kofi',
  'Yuki',
  'Ola',
  'Ravi',
];

const DEMO_POSTS: readonly DemoPost[] = [
  {
    kind: 'mention',
    text: 'the app keeps crashing every time I open my cart. third day in a row, really frustrating',
  },
  {
    kind: 'mention',
    text: "I've been charged twice for the same order and nobody answers my emails",
  },
  { kind: 'mention', text: "can't log in since this morning, password reset link never arrives" },
  {
    kind: 'mention',
    text: 'my parcel was due on Monday and is still not here. tracking has not moved in 4 days',
  },
  { kind: 'mention', text: 'still waiting for a refund after three weeks. this is ridiculous' },
  {
    kind: 'mention',
    text: 'is the site down? getting errors on checkout for everyone in the office',
  },
  {
    kind: 'mention',
    text: 'waited 45 minutes on hold and then the call dropped. worst customer service ever',
  },
  { kind: 'mention', text: 'thanks for nothing, the update deleted all my saved lists' },
  { kind: 'mention', text: 'the charger you sold me started smoking last night. this is unsafe' },
  { kind: 'mention', text: 'love the new dark mode, great work!' },
  { kind: 'mention', text: 'thank you for sorting out my order so quickly yesterday 🙌' },
  { kind: 'mention', text: 'do you ship to Canada?' },
  { kind: 'mention', text: 'what time does the store on Main Street open on Sundays?' },
  { kind: 'mention', text: 'stop replying to me' },
  {
    kind: 'mention',
    text: 'the search button does nothing on android, tried reinstalling, still broken',
  },
  {
    kind: 'mention',
    text: 'why did my subscription renew after I cancelled it? I want my money back',
  },
  { kind: 'mention', text: 'watching the game with friends tonight' },
  { kind: 'keyword', text: 'ugh acme delivery late again, never ordering from them again' },
  {
    kind: 'keyword',
    text: 'anyone else think acme has the best customer support? they fixed my issue in minutes',
  },
  { kind: 'keyword', text: 'acme app not loading for me, is it just me?' },
];

interface DemoReview {
  rating: number;
  title: string;
  body: string;
}

const DEMO_REVIEWS: readonly DemoReview[] = [
  {
    rating: 1,
    title: 'Crashes on launch',
    body: 'Since the last update the app crashes every time I open it. Unusable.',
  },
  {
    rating: 2,
    title: 'Lost my data',
    body: 'The update deleted my saved lists and support has not answered in a week.',
  },
  {
    rating: 1,
    title: 'Charged twice',
    body: 'I was charged twice for the subscription and cannot find how to get a refund.',
  },
  { rating: 5, title: 'Love it', body: 'Fast, simple and the new widgets are great. Thank you!' },
  {
    rating: 4,
    title: 'Pretty good',
    body: 'Works well, would love a dark mode for the checkout screen.',
  },
  {
    rating: 2,
    title: 'Too many ads',
    body: 'Ads after every tap make it hard to use. Would pay to remove them.',
  },
  {
    rating: 1,
    title: 'Cannot log in',
    body: 'Login keeps failing with an error since yesterday, password reset does nothing.',
  },
  { rating: 3, title: 'Slow', body: 'It is okay but the search takes ages to load on my phone.' },
];

const TERRITORIES = ['USA', 'GBR'];

export interface DemoTraffic {
  stop(): void;
}

/**
 * Posts one demo item every `everyMs` to the sandboxes' admin APIs until stopped: mostly X posts, now and
 * then an App Store or Google Play review. `sandboxes` maps a platform name ('x', 'app-store',
 * 'google-play') to its sandbox URL.
 */
export function startDemoTraffic(options: {
  sandboxes: Record<string, string>;
  everyMs: number;
  logger: Logger;
  random?: () => number;
}): DemoTraffic {
  const random = options.random ?? Math.random;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

  function request(
    base: string | undefined,
    path: string,
    body: unknown,
  ): { url: URL; body: unknown } | null {
    return base ? { url: new URL(path, base), body } : null;
  }

  function nextItem(): { url: URL; body: unknown } | null {
    const name = pick(FIRST_NAMES);
    const roll = random();
    if (roll < 0.15) {
      const review = pick(DEMO_REVIEWS);
      return request(options.sandboxes['app-store'], '/__sandbox/appstore/reviews', {
        ...review,
        reviewerNickname: `${name}${Math.floor(random() * 90 + 10)}`,
        territory: pick(TERRITORIES),
      });
    }
    if (roll < 0.3) {
      const review = pick(DEMO_REVIEWS);
      return request(options.sandboxes['google-play'], '/__sandbox/play/reviews', {
        authorName: name,
        text: `${review.title}\t${review.body}`,
        starRating: review.rating,
        reviewerLanguage: 'en',
        appVersionName: '4.2.0',
      });
    }
    const post = pick(DEMO_POSTS);
    const username = `${name.toLowerCase()}_${Math.floor(random() * 9000 + 1000)}`;
    return request(
      options.sandboxes.x,
      post.kind === 'mention' ? '/__sandbox/x/mentions' : '/__sandbox/x/posts',
      {
        text: post.text,
        author: { username, name, followers_count: Math.floor(random() * 2000) },
        lang: 'en',
      },
    );
  }

  async function postOne(): Promise<void> {
    const item = nextItem();
    if (item === null) {
      return;
    }
    const response = await fetch(item.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(item.body),
    });
    if (!response.ok) {
      options.logger.warn(
        { status: response.status, path: item.url.pathname },
        'Demo traffic: a sandbox refused a post',
      );
    }
  }

  const timer = setInterval(() => {
    postOne().catch((err: Error) =>
      options.logger.warn(
        { err: { message: err.message } },
        'Demo traffic: could not reach the sandbox',
      ),
    );
  }, options.everyMs);
  void postOne().catch(() => undefined);
  return {
    stop() {
      clearInterval(timer);
    },
  };
}
