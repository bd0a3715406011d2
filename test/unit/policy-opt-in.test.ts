import { describe, expect, it } from 'vitest';
import { isOptIn } from '../../src/core/policy/opt-in.js';

describe('isOptIn', () => {
  it.each`
    text                             | optIn
    ${'start'}                       | ${true}
    ${'@acme START'}                 | ${true}
    ${'Start!'}                      | ${true}
    ${'@acme opt in'}                | ${true}
    ${'@acme resume replies please'} | ${true}
    ${'ok, you can reply again'}     | ${true}
    ${'please opt me back in'}       | ${true}
    ${"the app won't start"}         | ${false}
    ${'when does the sale start?'}   | ${false}
    ${"don't opt me back in"}        | ${false}
    ${'stop'}                        | ${false}
    ${''}                            | ${false}
  `('"$text" → $optIn', ({ text, optIn }) => {
    const result = isOptIn(text as string);

    expect(result).toBe(optIn);
  });
});
