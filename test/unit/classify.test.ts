import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadClassifierRules } from '../../src/config/rules.js';
import { CLASSIFIER_ID, createClassifier, tokenize } from '../../src/core/classify/index.js';
import type { Classification, ClassifierInput, Flag } from '../../src/core/types.js';

const rules = loadClassifierRules('rules');
const classify = createClassifier(rules);

function run(text: string, extra: Partial<ClassifierInput> = {}): Classification {
  return classify({ text, source: 'x-mentions', ...extra });
}

function pComplaint(result: Classification): number {
  return result.complaint ? result.confidence : 1 - result.confidence;
}

describe('createClassifier: complaint vs praise vs question vs noise', () => {
  it.each`
    kind           | text                                                           | complaint | flag
    ${'complaint'} | ${'@acme my order never arrived and nobody answers the phone'} | ${true}   | ${null}
    ${'complaint'} | ${'worst customer service ever'}                               | ${true}   | ${null}
    ${'complaint'} | ${'the app keeps crashing since the update'}                   | ${true}   | ${null}
    ${'complaint'} | ${'been on hold for 2 hours'}                                  | ${true}   | ${null}
    ${'complaint'} | ${'still waiting for my refund'}                               | ${true}   | ${null}
    ${'complaint'} | ${'Paid for premium and still get ads. 1 star.'}               | ${true}   | ${null}
    ${'complaint'} | ${'Never again. Switching to another bank.'}                   | ${true}   | ${null}
    ${'praise'}    | ${'Thank you so much, great service!'}                         | ${false}  | ${'praise'}
    ${'praise'}    | ${'love the new update, works perfectly'}                      | ${false}  | ${'praise'}
    ${'praise'}    | ${'Shout out to the support team, you rock'}                   | ${false}  | ${'praise'}
    ${'question'}  | ${'What time does the store open tomorrow?'}                   | ${false}  | ${'question'}
    ${'question'}  | ${'Do you ship to Canada?'}                                    | ${false}  | ${'question'}
    ${'question'}  | ${'how do I change my delivery address'}                       | ${false}  | ${'question'}
    ${'noise'}     | ${'Watching the game tonight'}                                 | ${false}  | ${null}
    ${'noise'}     | ${'@acme see you at the conference'}                           | ${false}  | ${null}
    ${'noise'}     | ${'New blog post about our trip https://example.com/post/1'}   | ${false}  | ${null}
  `('$kind: "$text"', ({ text, complaint, flag }) => {
    const result = run(text as string);

    expect(result.complaint).toBe(complaint);
    if (flag !== null) {
      expect(result.flags).toContain(flag);
    }
    if (complaint === false) {
      expect(result.severity).toBeNull();
    }
  });

  it('marks noise as neither praise nor question', () => {
    const result = run('Watching the game tonight');

    expect(result.flags).toEqual([]);
  });
});

describe('negation', () => {
  it.each`
    text                                    | complaint
    ${'not bad at all'}                     | ${false}
    ${'no problems at all, smooth as ever'} | ${false}
    ${"@acme the checkout doesn't work"}    | ${true}
    ${'the app is not good'}                | ${true}
    ${'my parcel never arrived'}            | ${true}
    ${'no response from support in a week'} | ${true}
  `('"$text" → complaint $complaint', ({ text, complaint }) => {
    expect(run(text as string).complaint).toBe(complaint);
  });

  it('flips a negated sentiment word and says so in the reasons', () => {
    const result = run('the food was not good');

    const sentiment = result.reasons.find((reason) => reason.field === 'sentiment');

    expect(result.sentiment).toBeLessThan(0);
    expect(sentiment?.detail).toContain('"good" +3 (negated)');
  });

  it('stops a negation at the end of a clause', () => {
    const negated = run('not good service');
    const separate = run('not really, good service');

    expect(negated.sentiment).toBeLessThan(0);
    expect(separate.sentiment).toBeGreaterThan(0);
  });
});

describe('sarcasm', () => {
  it.each`
    text
    ${'thanks for nothing'}
    ${'great, another outage'}
    ${'Two hours on hold. Great.'}
    ${'Oh great, my order is late again'}
    ${'Love waiting 40 minutes for a reply #not'}
  `('"$text" is a complaint with sarcasm_suspected', ({ text }) => {
    const result = run(text as string);

    expect(result.complaint).toBe(true);
    expect(result.flags).toContain('sarcasm_suspected');
    expect(result.flags).not.toContain('praise');
  });

  it('does not read thanks with good news as sarcasm', () => {
    const result = run('Thanks for fixing the login issue so quickly!');

    expect(result.flags).not.toContain('sarcasm_suspected');
    expect(result.complaint).toBe(false);
  });
});

describe('categories', () => {
  it.each`
    category      | text
    ${'outage'}   | ${'the app crashes every time I open it'}
    ${'outage'}   | ${'your website is down again, error 503'}
    ${'account'}  | ${"I'm locked out of my account and the password reset email never arrives"}
    ${'billing'}  | ${'I was charged twice for my subscription'}
    ${'billing'}  | ${'still no refund after 3 weeks'}
    ${'billing'}  | ${'still waiting for my refund'}
    ${'billing'}  | ${'where is my refund??'}
    ${'delivery'} | ${'my package is 5 days late'}
    ${'delivery'} | ${'still waiting for my parcel, where is it'}
    ${'delivery'} | ${'where is my luggage, it never came'}
    ${'service'}  | ${'your support agent was rude and hung up on me'}
    ${'safety'}   | ${'the charger caught fire, this is dangerous'}
    ${'legal'}    | ${"I'm talking to my lawyer about a class action"}
    ${'privacy'}  | ${'you sold my personal data without my consent'}
    ${'abuse'}    | ${'your driver harassed me and threatened me'}
  `('$category: "$text"', ({ category, text }) => {
    const result = run(text as string);

    expect(result.complaint).toBe(true);
    expect(result.category).toBe(category);
    expect(result.reasons).toContainEqual(
      expect.objectContaining({ field: 'category', rule: `category:${category as string}` }),
    );
  });

  it('leaves a complaint with no topic words uncategorised', () => {
    const result = run('this is terrible, so disappointed');

    expect(result.complaint).toBe(true);
    expect(result.category).toBeNull();
    expect(result.severity).toBe('P3');
  });
});

describe('flags', () => {
  it.each`
    flag                | text
    ${'opt_out'}        | ${'stop'}
    ${'opt_out'}        | ${'STOP'}
    ${'opt_out'}        | ${'@acme unsubscribe'}
    ${'opt_out'}        | ${'please stop replying to me'}
    ${'opt_out'}        | ${'stop replying'}
    ${'opt_out'}        | ${'Leave me alone, I do not want your automated messages'}
    ${'private_data'}   | ${'my order number is 123456789, still not delivered'}
    ${'private_data'}   | ${'email me at jane.doe@example.com'}
    ${'private_data'}   | ${'call me on 555-123-4567'}
    ${'private_data'}   | ${'booking ref 7XK2P9 was cancelled without notice'}
    ${'private_data'}   | ${'here is my card 4111 1111 1111 1111'}
    ${'abusive'}        | ${'you idiots lost my bag again'}
    ${'abusive'}        | ${'screw you and your useless app'}
    ${'escalate_human'} | ${'the charger caught fire, this is dangerous'}
    ${'escalate_human'} | ${'I want to speak to a manager, this is ridiculous'}
    ${'escalate_dm'}    | ${'I was charged twice for my subscription'}
    ${'question'}       | ${'is the app down?'}
    ${'praise'}         | ${'Fantastic support, thank you!'}
  `('$flag: "$text"', ({ flag, text }) => {
    const result = run(text as string);

    expect(result.flags).toContain(flag);
    expect(result.reasons).toContainEqual(
      expect.objectContaining({ field: 'flag', detail: expect.stringContaining(flag as string) }),
    );
  });

  it.each`
    text
    ${'please stop the ads in the app'}
    ${'my flight was delayed, stop by the desk they said'}
  `('"$text" is no opt-out', ({ text }) => {
    expect(run(text as string).flags).not.toContain('opt_out');
  });

  it('flags private_data when the thread asks for personal details', () => {
    const thread = [
      '@sam sorry to hear that! Please DM us your order number and we will look into it.',
    ];

    const result = run('@acme ok, just sent it', { thread });

    expect(result.flags).toContain('private_data');
  });

  it.each`
    text
    ${'my order is late'}
    ${'my email is not arriving'}
    ${"here's my problem: the app crashes every time I open it"}
  `('"$text" shares no personal details', ({ text }) => {
    const result = run(text as string);

    expect(result.flags).not.toContain('private_data');
    expect(result.flags).not.toContain('escalate_dm');
  });

  it.each`
    text
    ${"here's my order number A12345, it never came"}
    ${'my order is #A12345 and it never came'}
    ${'my email address is sam at example dot com'}
  `('"$text" shares personal details', ({ text }) => {
    expect(run(text as string).flags).toContain('private_data');
  });

  it('does not flag an ordinary number', () => {
    expect(run('waited 45 minutes at gate 12').flags).not.toContain('private_data');
  });

  it('lists each flag once', () => {
    const result = run('stop replying, stop messaging me, unsubscribe');

    const optOuts = result.flags.filter((flag: Flag) => flag === 'opt_out');

    expect(optOuts).toHaveLength(1);
  });
});

describe('languages', () => {
  const spanish = '@iberia mi vuelo lleva 3 horas de retraso y nadie responde, vergüenza';

  it('flags a mention in a language without a lexicon for a person, and says why', () => {
    const result = run(spanish, { lang: 'es' });

    expect(result.flags).toContain('escalate_human');
    expect(result.reasons).toContainEqual(
      expect.objectContaining({ field: 'flag', rule: 'language:unsupported' }),
    );
    expect(result.reasons.find((r) => r.rule === 'language:unsupported')?.detail).toContain(
      'no rules for language "es"',
    );
  });

  it.each`
    lang
    ${'en'}
    ${'en-GB'}
    ${'EN_us'}
    ${'und'}
    ${'zxx'}
    ${'qme'}
    ${null}
    ${undefined}
  `('reads lang $lang with the English rules and no language flag', ({ lang }) => {
    const result = run('still waiting for my refund', { lang: lang as string | null | undefined });

    expect(result.complaint).toBe(true);
    expect(result.reasons.some((r) => r.rule === 'language:unsupported')).toBe(false);
    expect(result.flags).not.toContain('escalate_human');
  });

  it('matches a tag on its first part: pt-BR and pt_BR are both "pt"', () => {
    for (const lang of ['pt-BR', 'pt_BR']) {
      const detail = run('meu pedido não chegou', { lang }).reasons.find(
        (r) => r.rule === 'language:unsupported',
      )?.detail;

      expect(detail).toContain('no rules for language "pt"');
    }
  });

  it('only scores an unsupported language when the rules say classify', () => {
    const classifyOnly = createClassifier({ ...rules, unsupportedLanguage: 'classify' });

    const result = classifyOnly({ text: spanish, source: 'x-mentions', lang: 'es' });

    expect(result.flags).not.toContain('escalate_human');
    expect(result.reasons.some((r) => r.rule === 'language:unsupported')).toBe(false);
  });
});

describe('severity', () => {
  it.each`
    case                           | text                                                 | author                                         | severity
    ${'one user, delivery'}        | ${'my package is 5 days late'}                       | ${undefined}                                   | ${'P2'}
    ${'customer service'}          | ${'your support agent was rude'}                     | ${undefined}                                   | ${'P3'}
    ${'suggestion'}                | ${'the app is slow, would be nice to have a fix'}    | ${undefined}                                   | ${'P3'}
    ${'verified author'}           | ${'my package is 5 days late'}                       | ${{ verified: true, followersCount: 50 }}      | ${'P1'}
    ${'high-follower author'}      | ${'my package is 5 days late'}                       | ${{ verified: false, followersCount: 250000 }} | ${'P1'}
    ${'few followers'}             | ${'my package is 5 days late'}                       | ${{ verified: false, followersCount: 9999 }}   | ${'P2'}
    ${'charged twice'}             | ${'I was charged twice for my subscription'}         | ${undefined}                                   | ${'P1'}
    ${'outage'}                    | ${'the app is down again'}                           | ${undefined}                                   | ${'P1'}
    ${'wide outage'}               | ${'your service is down for everyone, total outage'} | ${undefined}                                   | ${'P0'}
    ${'lawsuit'}                   | ${'you lost my luggage, I will file a lawsuit'}      | ${undefined}                                   | ${'P0'}
    ${'unsafe'}                    | ${'this scooter is unsafe, the brakes failed'}       | ${undefined}                                   | ${'P0'}
    ${'fraud'}                     | ${'this is fraud, unauthorized charges on my card'}  | ${undefined}                                   | ${'P0'}
    ${'bump beats suggestion cap'} | ${'would be nice if it did not catch fire, unsafe'}  | ${undefined}                                   | ${'P0'}
  `('$case → $severity', ({ text, author, severity }) => {
    const result = run(text as string, { author: author as ClassifierInput['author'] });

    expect(result.complaint).toBe(true);
    expect(result.severity).toBe(severity);
    expect(result.reasons.some((reason) => reason.field === 'severity')).toBe(true);
  });

  it('counts a legal threat towards a complaint even without a negative word, and pages for it', () => {
    const result = run('my lawyer will hear about the double charge');

    expect(result.complaint).toBe(true);
    expect(result.severity).toBe('P0');
    expect(result.flags).toContain('escalate_human');
    expect(result.reasons).toContainEqual({
      field: 'complaint',
      rule: 'bump:legal-threat',
      detail: 'matched "lawyer"',
      weight: 1,
    });
    // One bump counts once, however many bumps match ("double charge" is a payment problem too).
    expect(
      result.reasons.filter((r) => r.field === 'complaint' && r.rule.startsWith('bump:')),
    ).toHaveLength(1);
  });

  it('does not count a question about safety as a complaint', () => {
    expect(run('is it safe to fly with a power bank?').complaint).toBe(false);
  });

  it('names the bump that raised the severity', () => {
    const result = run('unauthorized charge on my card, this is fraud');

    expect(result.category).toBe('billing');
    expect(result.severity).toBe('P0');
    expect(result.reasons).toContainEqual(
      expect.objectContaining({ field: 'severity', rule: 'bump:fraud' }),
    );
    expect(result.flags).toContain('escalate_human');
  });

  it.each`
    case                                | engagement                                     | severity | rule
    ${'shared fast'}                    | ${{ shares: 60, replies: 0, ageMinutes: 30 }}  | ${'P0'}  | ${'engagement:spreading'}
    ${'shared a lot, but slowly'}       | ${{ shares: 60, replies: 0, ageMinutes: 600 }} | ${'P2'}  | ${null}
    ${'shared fast, but too few times'} | ${{ shares: 24, replies: 0, ageMinutes: 5 }}   | ${'P2'}  | ${null}
    ${'25 shares in the first minute'}  | ${{ shares: 25, replies: 0, ageMinutes: 1 }}   | ${'P0'}  | ${'engagement:spreading'}
    ${'replies growing fast'}           | ${{ shares: 0, replies: 12, ageMinutes: 40 }}  | ${'P1'}  | ${'engagement:growing-thread'}
    ${'replies, slowly'}                | ${{ shares: 0, replies: 12, ageMinutes: 240 }} | ${'P2'}  | ${null}
    ${'both: the higher floor wins'}    | ${{ shares: 40, replies: 40, ageMinutes: 20 }} | ${'P0'}  | ${'engagement:spreading'}
    ${'no engagement'}                  | ${{ shares: 0, replies: 0, ageMinutes: 0 }}    | ${'P2'}  | ${null}
  `('engagement: $case → $severity', ({ engagement, severity, rule }) => {
    const result = run('my package is 5 days late', {
      engagement: engagement as ClassifierInput['engagement'],
    });

    expect(result.severity).toBe(severity);
    const engagementReasons = result.reasons.filter((reason) =>
      reason.rule.startsWith('engagement:'),
    );
    expect(engagementReasons.map((reason) => reason.rule).at(-1) ?? null).toBe(rule);
  });

  it('explains an engagement floor with the counts and the rate', () => {
    const result = run('my package is 5 days late', {
      engagement: { shares: 60, replies: 0, ageMinutes: 30 },
    });

    expect(result.reasons).toContainEqual({
      field: 'severity',
      rule: 'engagement:spreading',
      detail: 'shared 60 times in 30 min (120/h ≥ 25/h): at least P0',
    });
  });

  it('gives engagement no say over a non-complaint', () => {
    const result = run('love the new update, works perfectly', {
      engagement: { shares: 500, replies: 200, ageMinutes: 10 },
    });

    expect(result.complaint).toBe(false);
    expect(result.severity).toBeNull();
  });

  it('names the influential author', () => {
    const result = run('my package is 5 days late', { author: { verified: true } });

    expect(result.reasons).toContainEqual(
      expect.objectContaining({ field: 'severity', rule: 'author:influential' }),
    );
  });
});

describe('confidence, sentiment and reasons', () => {
  it.each`
    text
    ${''}
    ${'ok'}
    ${'worst worst worst terrible awful horrible hate hate hate never again'}
    ${'love love love amazing awesome best thank you so much'}
    ${'🙄🙄 :( 👍'}
  `('confidence and sentiment stay in range for "$text"', ({ text }) => {
    const result = run(text as string);

    expect(result.confidence).toBeGreaterThanOrEqual(0);
    expect(result.confidence).toBeLessThanOrEqual(1);
    expect(result.sentiment).toBeGreaterThanOrEqual(-1);
    expect(result.sentiment).toBeLessThanOrEqual(1);
  });

  it('is monotone: more complaint evidence, higher p(complaint)', () => {
    const texts = [
      'the app is slow',
      'the app is slow and keeps crashing',
      'the app is slow and keeps crashing, worst app ever',
      'the app is slow and keeps crashing, worst app ever, still waiting for my refund',
    ];

    // The log-odds behind p(complaint): p itself rounds to 1.000 once the evidence is overwhelming.
    const logOdds = texts.map(
      (text) => run(text).reasons.find((reason) => reason.rule === 'score:logistic')?.weight ?? 0,
    );

    expect(pComplaint(run(texts[0] ?? ''))).toBeGreaterThan(0.5);
    for (let i = 1; i < logOdds.length; i += 1) {
      expect(logOdds[i]).toBeGreaterThan(logOdds[i - 1] ?? Infinity);
    }
  });

  it('is monotone the other way: praise lowers p(complaint)', () => {
    const plain = pComplaint(run('the delivery came today'));
    const praised = pComplaint(run('the delivery came today, thank you, great service'));

    expect(praised).toBeLessThan(plain);
  });

  it('names the matched rule and words in its reasons', () => {
    const result = run('@acme still waiting for my refund');

    expect(result.reasons).toContainEqual(
      expect.objectContaining({
        field: 'complaint',
        rule: 'cue:still-waiting',
        detail: 'matched "still waiting"',
      }),
    );
    expect(result.reasons.find((reason) => reason.rule === 'score:logistic')).toBeDefined();
    for (const reason of result.reasons) {
      expect(reason.rule).not.toBe('');
      expect(reason.detail).not.toBe('');
    }
  });

  it('ignores @handles and URLs', () => {
    const plain = run('my order is late');
    const decorated = run('@united @AmericanAir my order is late https://t.co/abc123 @lovelyco');

    expect(decorated.complaint).toBe(plain.complaint);
    expect(decorated.sentiment).toBe(plain.sentiment);
  });

  it('reads hashtags as words', () => {
    expect(tokenize('so done #NeverAgain')).toEqual(['so', 'done', 'never', 'again']);
    expect(run('#NeverAgain').complaint).toBe(true);
  });

  it('tags the result with the classifier and rules version', () => {
    expect(run('hello').classifierVersion).toBe(`${CLASSIFIER_ID}+rules:${rules.version}`);
  });

  it('is pure: same input, same output, input untouched', () => {
    const input: ClassifierInput = {
      text: 'charged twice!!',
      source: 'app-store',
      lang: 'en',
      author: { followersCount: 20000, verified: false },
      thread: ['earlier message'],
    };
    const copy = structuredClone(input);

    const first = classify(input);
    const second = classify(input);

    expect(second).toEqual(first);
    expect(input).toEqual(copy);
  });

  it('falls back to the default language lexicon', () => {
    const english = run('worst service ever');
    const unknown = run('worst service ever', { lang: 'xx' });
    const regional = run('worst service ever', { lang: 'en-GB' });

    expect(unknown.complaint).toBe(english.complaint);
    expect(regional.confidence).toBe(english.confidence);
  });

  it('counts a follow-up in a complaint thread towards a complaint', () => {
    const alone = pComplaint(run('any news?'));
    const inThread = pComplaint(
      run('any news?', { thread: ['my order never arrived and nobody answers'] }),
    );

    expect(inThread).toBeGreaterThan(alone);
  });
});

describe('app-store review language', () => {
  it.each`
    text                                                                                 | complaint
    ${'Since the last update the app crashes on launch. Uninstalled.'}                   | ${true}
    ${'Too many ads, and the subscription renews without asking. Want my money back.'}   | ${true}
    ${'One star. The update broke offline mode and support never replied.'}              | ${true}
    ${'Five stars, works great and the new widgets are lovely.'}                         | ${false}
    ${'Easy to use and reliable, highly recommend.'}                                     | ${false}
    ${'Had a problem with billing once but support sorted it out fast. Happy customer.'} | ${false}
    ${'Way too much ads now'}                                                            | ${true}
    ${'please reduce ads'}                                                               | ${true}
    ${'plays ads after every song now'}                                                  | ${true}
    ${'Stop forcing people to buy premium'}                                              | ${true}
    ${'Ordered sneakers and they came within 5 days'}                                    | ${false}
    ${'Got the parcel I ordered in 2 weeks'}                                             | ${false}
    ${'Waited 2 weeks for the parcel'}                                                   | ${true}
  `('"$text" → complaint $complaint', ({ text, complaint }) => {
    expect(classify({ text: text as string, source: 'app-store' }).complaint).toBe(complaint);
  });
});

describe('hand-written review sanity set (test/fixtures/classify-reviews.csv)', () => {
  function readReviews(): { text: string; complaint: boolean }[] {
    const lines = readFileSync('test/fixtures/classify-reviews.csv', 'utf8')
      .trim()
      .split('\n')
      .slice(1);
    return lines.map((line) => {
      const match = /^(?:"((?:[^"]|"")*)"|([^,]*)),([01]),/.exec(line);
      if (match === null) {
        throw new Error(`bad fixture line: ${line}`);
      }
      return {
        text: (match[1] ?? match[2] ?? '').replaceAll('""', '"'),
        complaint: match[3] === '1',
      };
    });
  }

  it('keeps its accuracy (1–2 stars = complaint, 4–5 = not)', () => {
    const reviews = readReviews();

    const correct = reviews.filter(
      (review) =>
        classify({ text: review.text, source: 'app-store' }).complaint === review.complaint,
    ).length;

    expect(reviews).toHaveLength(70);
    expect(correct / reviews.length).toBeGreaterThanOrEqual(0.9);
  });
});
