import { describe, expect, it } from 'vitest';
import {
  CASE_TRANSITIONS,
  CaseStateError,
  canTransition,
  nextStates,
} from '../../src/app/case-state.js';
import { CASE_STATES as STATES, type CaseState } from '../../src/core/types.js';

describe('the case life cycle', () => {
  it.each`
    from                     | allowed
    ${'new'}                 | ${['acknowledged', 'waiting_on_customer', 'escalated', 'resolved', 'merged', 'invalid']}
    ${'acknowledged'}        | ${['waiting_on_customer', 'escalated', 'resolved', 'merged', 'invalid']}
    ${'waiting_on_customer'} | ${['acknowledged', 'escalated', 'resolved', 'merged', 'invalid']}
    ${'escalated'}           | ${['waiting_on_customer', 'resolved', 'merged', 'invalid']}
    ${'resolved'}            | ${['closed', 'new']}
    ${'closed'}              | ${['new']}
    ${'merged'}              | ${[]}
    ${'invalid'}             | ${['new']}
  `('from $from a person may move to $allowed and nowhere else', ({ from, allowed }) => {
    const state = from as CaseState;
    const expected = allowed as CaseState[];

    const verdicts = STATES.map((to) => [to, canTransition(state, to)] as const);

    expect(nextStates(state)).toEqual(expected);
    expect(verdicts).toEqual(STATES.map((to) => [to, expected.includes(to)]));
  });

  it('covers every state', () => {
    expect(Object.keys(CASE_TRANSITIONS).sort()).toEqual([...STATES].sort());
  });

  it.each`
    from                     | to
    ${'new'}                 | ${'acknowledged'}
    ${'acknowledged'}        | ${'waiting_on_customer'}
    ${'waiting_on_customer'} | ${'escalated'}
    ${'escalated'}           | ${'resolved'}
    ${'resolved'}            | ${'closed'}
    ${'closed'}              | ${'new'}
  `('walks the main path: $from → $to', ({ from, to }) => {
    expect(canTransition(from as CaseState, to as CaseState)).toBe(true);
  });

  it.each`
    from          | to                       | message
    ${'closed'}   | ${'waiting_on_customer'} | ${'Case x-1 cannot move from closed to waiting_on_customer: from closed it can move to new'}
    ${'new'}      | ${'closed'}              | ${'Case x-1 cannot move from new to closed: from new it can move to acknowledged, waiting_on_customer, escalated, resolved, merged, invalid'}
    ${'merged'}   | ${'new'}                 | ${'Case x-1 cannot move from merged to new: merged is final'}
    ${'resolved'} | ${'resolved'}            | ${'Case x-1 is already resolved'}
    ${'invalid'}  | ${'resolved'}            | ${'Case x-1 cannot move from invalid to resolved: from invalid it can move to new'}
  `('refuses $from → $to, naming both states', ({ from, to, message }) => {
    const error = new CaseStateError(
      'invalid-transition',
      'x-1',
      from as CaseState,
      to as CaseState,
    );

    expect(canTransition(from as CaseState, to as CaseState)).toBe(false);
    expect(error).toMatchObject({ code: 'invalid-transition', from, to, message });
  });

  it('names an unknown case', () => {
    const error = new CaseStateError('not-found', 'x-404', null, 'resolved');

    expect(error.message).toBe('No case x-404');
  });
});
