import { describe, expect, it } from 'vitest';

import { EarshotError } from '../../src/errors.js';
import {
  classifyStatus,
  NotifyFailed,
  parseRetryAfter,
  type NotifyFailureReason,
} from '../../src/responders/notify/errors.js';
import { NotifyEvent } from '../../src/responders/notify/types.js';

describe('classifyStatus', () => {
  it.each`
    status | reason            | retryable
    ${301} | ${'rejected'}     | ${false}
    ${302} | ${'rejected'}     | ${false}
    ${400} | ${'rejected'}     | ${false}
    ${401} | ${'rejected'}     | ${false}
    ${403} | ${'rejected'}     | ${false}
    ${404} | ${'rejected'}     | ${false}
    ${405} | ${'rejected'}     | ${false}
    ${408} | ${'timeout'}      | ${true}
    ${410} | ${'rejected'}     | ${false}
    ${413} | ${'rejected'}     | ${false}
    ${422} | ${'rejected'}     | ${false}
    ${429} | ${'rate-limited'} | ${true}
    ${500} | ${'server-error'} | ${true}
    ${502} | ${'server-error'} | ${true}
    ${503} | ${'server-error'} | ${true}
    ${504} | ${'server-error'} | ${true}
  `(
    '$status → $reason, retryable: $retryable',
    ({ status, reason, retryable }: { status: number; reason: string; retryable: boolean }) => {
      expect(classifyStatus(status)).toEqual({ reason, retryable });
    },
  );
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2026, 10, 20, 10, 0, 0);

  it.each`
    header                             | ms
    ${null}                            | ${null}
    ${'0'}                             | ${0}
    ${'1'}                             | ${1000}
    ${' 30 '}                          | ${30_000}
    ${'Fri, 20 Nov 2026 10:00:30 GMT'} | ${30_000}
    ${'Fri, 20 Nov 2026 09:59:00 GMT'} | ${0}
    ${'-5'}                            | ${null}
    ${'1.5'}                           | ${null}
    ${'soon'}                          | ${null}
    ${'2026-11-20T10:00:30Z'}          | ${null}
  `('$header → $ms', ({ header, ms }: { header: string | null; ms: number | null }) => {
    expect(parseRetryAfter(header, now)).toBe(ms);
  });
});

describe('NotifyFailed', () => {
  it.each`
    reason             | status  | code
    ${'network'}       | ${null} | ${'transient-network'}
    ${'timeout'}       | ${null} | ${'transient-network'}
    ${'aborted'}       | ${null} | ${'transient-network'}
    ${'server-error'}  | ${503}  | ${'transient-network'}
    ${'rate-limited'}  | ${429}  | ${'rate-limited'}
    ${'rejected'}      | ${401}  | ${'auth-failed'}
    ${'rejected'}      | ${403}  | ${'auth-failed'}
    ${'rejected'}      | ${404}  | ${'config-invalid'}
    ${'invalid-event'} | ${null} | ${'config-invalid'}
  `(
    '$reason ($status) carries the stable code $code',
    ({
      reason,
      status,
      code,
    }: {
      reason: NotifyFailureReason;
      status: number | null;
      code: string;
    }) => {
      const error = new NotifyFailed({
        notifier: 'slack',
        reason,
        retryable: false,
        status,
        retryAfterMs: null,
        message: 'x',
      });

      expect(error).toBeInstanceOf(EarshotError);
      expect(error.name).toBe('NotifyFailed');
      expect(error.code).toBe(code);
    },
  );
});

describe('NotifyEvent schema', () => {
  const valid = {
    id: 'page-x-1',
    kind: 'page',
    caseId: 'x-1',
    severity: 'P0',
    category: null,
    deadline: '2026-11-20T10:15:00.000Z',
    summary: 's',
    text: 't',
    author: { username: 'sam', name: 'Sam', followersCount: 3, verified: false },
    source: 'x-mentions',
    link: 'https://desk.example.com/cases/x-1',
    postUrl: null,
    at: '2026-11-20T10:00:00.000Z',
  };

  it('accepts a valid event and strips keys it does not know', () => {
    expect(NotifyEvent.parse({ ...valid, addedLater: true })).toEqual(valid);
  });

  it.each`
    field         | value
    ${'kind'}     | ${'party'}
    ${'severity'} | ${'P9'}
    ${'link'}     | ${'javascript:alert(1)'}
    ${'deadline'} | ${'tomorrow'}
    ${'id'}       | ${''}
  `('rejects $field = $value', ({ field, value }: { field: string; value: unknown }) => {
    expect(NotifyEvent.safeParse({ ...valid, [field]: value }).success).toBe(false);
  });
});
