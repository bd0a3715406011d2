import { describe, expect, it } from 'vitest';
import {
  addBusinessMinutes,
  addWorkingDays,
  isBusinessTime,
  isValidTimeZone,
  isWithinQuietHours,
  nextBusinessTime,
  parseClockTime,
  quietHoursEnd,
  sameDayDeadline,
  zonedTime,
} from '../../src/core/policy/hours.js';
import type { BusinessHours } from '../../src/core/policy/types.js';

// DST switches used below: Europe/Berlin 2026-03-29 (02:00 CET → 03:00 CEST) and 2026-10-25 (03:00 CEST →
// 02:00 CET); America/New_York 2026-03-08 (02:00 EST → 03:00 EDT) and 2026-11-01 (02:00 EDT → 01:00 EST).
const WEEKDAYS_9_TO_6: BusinessHours = {
  days: ['mon', 'tue', 'wed', 'thu', 'fri'],
  from: '09:00',
  to: '18:00',
  holidays: [],
};
const NIGHT = { from: '22:00', to: '07:00' };

function at(iso: string): Date {
  return new Date(iso);
}

describe('zonedTime', () => {
  it.each`
    case                             | zone                  | date                                  | clock      | expected
    ${'Berlin winter'}               | ${'Europe/Berlin'}    | ${{ year: 2026, month: 1, day: 15 }}  | ${'09:00'} | ${'2026-01-15T08:00:00.000Z'}
    ${'Berlin summer'}               | ${'Europe/Berlin'}    | ${{ year: 2026, month: 7, day: 15 }}  | ${'09:00'} | ${'2026-07-15T07:00:00.000Z'}
    ${'Berlin gap moves forward'}    | ${'Europe/Berlin'}    | ${{ year: 2026, month: 3, day: 29 }}  | ${'02:30'} | ${'2026-03-29T01:30:00.000Z'}
    ${'Berlin repeated hour: first'} | ${'Europe/Berlin'}    | ${{ year: 2026, month: 10, day: 25 }} | ${'02:30'} | ${'2026-10-25T00:30:00.000Z'}
    ${'New York gap moves forward'}  | ${'America/New_York'} | ${{ year: 2026, month: 3, day: 8 }}   | ${'02:30'} | ${'2026-03-08T07:30:00.000Z'}
    ${'New York repeated hour'}      | ${'America/New_York'} | ${{ year: 2026, month: 11, day: 1 }}  | ${'01:30'} | ${'2026-11-01T05:30:00.000Z'}
    ${'24:00 is the next midnight'}  | ${'UTC'}              | ${{ year: 2026, month: 12, day: 31 }} | ${'24:00'} | ${'2027-01-01T00:00:00.000Z'}
  `('$case', ({ zone, date, clock, expected }) => {
    const minute = parseClockTime(clock as string);

    const instant = zonedTime(
      date as { year: number; month: number; day: number },
      minute,
      zone as string,
    );

    expect(instant.toISOString()).toBe(expected);
  });
});

describe('parseClockTime and isValidTimeZone', () => {
  it.each`
    clock      | minutes
    ${'00:00'} | ${0}
    ${'07:30'} | ${450}
    ${'24:00'} | ${1440}
  `('reads $clock as $minutes minutes', ({ clock, minutes }) => {
    expect(parseClockTime(clock as string)).toBe(minutes);
  });

  it.each(['7:30', '24:30', '12:60', 'noon'])('rejects "%s"', (clock) => {
    expect(() => parseClockTime(clock)).toThrow(RangeError);
  });

  it.each`
    zone                  | valid
    ${'UTC'}              | ${true}
    ${'Europe/Berlin'}    | ${true}
    ${'America/New_York'} | ${true}
    ${'Mars/Olympus'}     | ${false}
  `('$zone valid: $valid', ({ zone, valid }) => {
    expect(isValidTimeZone(zone as string)).toBe(valid);
  });
});

describe('quiet hours', () => {
  it.each`
    case                              | zone                  | now                           | quiet                             | within
    ${'Berlin 22:30 CET'}             | ${'Europe/Berlin'}    | ${'2026-03-28T21:30:00.000Z'} | ${NIGHT}                          | ${true}
    ${'Berlin 21:59 CET'}             | ${'Europe/Berlin'}    | ${'2026-03-28T20:59:00.000Z'} | ${NIGHT}                          | ${false}
    ${'Berlin 06:59 CEST, after DST'} | ${'Europe/Berlin'}    | ${'2026-03-29T04:59:00.000Z'} | ${NIGHT}                          | ${true}
    ${'Berlin 07:00 CEST ends them'}  | ${'Europe/Berlin'}    | ${'2026-03-29T05:00:00.000Z'} | ${NIGHT}                          | ${false}
    ${'New York 23:00 EST'}           | ${'America/New_York'} | ${'2026-03-07T04:00:00.000Z'} | ${NIGHT}                          | ${true}
    ${'UTC noon'}                     | ${'UTC'}              | ${'2026-11-18T12:00:00.000Z'} | ${NIGHT}                          | ${false}
    ${'a window within one day'}      | ${'UTC'}              | ${'2026-11-18T13:30:00.000Z'} | ${{ from: '13:00', to: '14:00' }} | ${true}
    ${'no quiet hours'}               | ${'UTC'}              | ${'2026-11-18T23:00:00.000Z'} | ${null}                           | ${false}
  `('$case → $within', ({ zone, now, quiet, within }) => {
    const result = isWithinQuietHours(
      at(now as string),
      quiet as typeof NIGHT | null,
      zone as string,
    );

    expect(result).toBe(within);
  });

  it.each`
    case                                       | zone                  | now                           | end
    ${'Berlin, the night the clocks go ahead'} | ${'Europe/Berlin'}    | ${'2026-03-28T22:00:00.000Z'} | ${'2026-03-29T05:00:00.000Z'}
    ${'Berlin, after midnight on that night'}  | ${'Europe/Berlin'}    | ${'2026-03-29T01:30:00.000Z'} | ${'2026-03-29T05:00:00.000Z'}
    ${'Berlin, the night the clocks go back'}  | ${'Europe/Berlin'}    | ${'2026-10-24T21:00:00.000Z'} | ${'2026-10-25T06:00:00.000Z'}
    ${'New York, the night of the switch'}     | ${'America/New_York'} | ${'2026-03-08T06:30:00.000Z'} | ${'2026-03-08T11:00:00.000Z'}
    ${'outside quiet hours'}                   | ${'UTC'}              | ${'2026-11-18T12:00:00.000Z'} | ${null}
  `('$case: they end at $end', ({ zone, now, end }) => {
    const result = quietHoursEnd(at(now as string), NIGHT, zone as string);

    expect(result?.toISOString() ?? null).toBe(end);
  });
});

describe('business hours', () => {
  it.each`
    case                                   | zone                  | now                           | open
    ${'Berlin Monday 10:00 CEST'}          | ${'Europe/Berlin'}    | ${'2026-03-30T08:00:00.000Z'} | ${true}
    ${'Berlin Monday 18:00 CEST (closed)'} | ${'Europe/Berlin'}    | ${'2026-03-30T16:00:00.000Z'} | ${false}
    ${'Berlin Saturday noon'}              | ${'Europe/Berlin'}    | ${'2026-03-28T11:00:00.000Z'} | ${false}
    ${'New York Friday 17:30 EST'}         | ${'America/New_York'} | ${'2026-03-06T22:30:00.000Z'} | ${true}
  `('$case open: $open', ({ zone, now, open }) => {
    expect(isBusinessTime(at(now as string), WEEKDAYS_9_TO_6, zone as string)).toBe(open);
  });

  it.each`
    case                                            | zone                  | now                           | holidays          | next
    ${'Berlin Saturday → Monday 09:00 CEST'}        | ${'Europe/Berlin'}    | ${'2026-03-28T12:00:00.000Z'} | ${[]}             | ${'2026-03-30T07:00:00.000Z'}
    ${'Berlin Friday after close → Monday'}         | ${'Europe/Berlin'}    | ${'2026-03-27T18:00:00.000Z'} | ${[]}             | ${'2026-03-30T07:00:00.000Z'}
    ${'Berlin Monday before opening'}               | ${'Europe/Berlin'}    | ${'2026-03-30T06:00:00.000Z'} | ${[]}             | ${'2026-03-30T07:00:00.000Z'}
    ${'Berlin Monday inside hours: unchanged'}      | ${'Europe/Berlin'}    | ${'2026-03-30T08:00:00.000Z'} | ${[]}             | ${'2026-03-30T08:00:00.000Z'}
    ${'Berlin Christmas Eve close, 25th a holiday'} | ${'Europe/Berlin'}    | ${'2026-12-24T17:00:00.000Z'} | ${['2026-12-25']} | ${'2026-12-28T08:00:00.000Z'}
    ${'New York Friday evening → Monday EDT'}       | ${'America/New_York'} | ${'2026-03-06T23:30:00.000Z'} | ${[]}             | ${'2026-03-09T13:00:00.000Z'}
  `('nextBusinessTime: $case', ({ zone, now, holidays, next }) => {
    const hours = { ...WEEKDAYS_9_TO_6, holidays: holidays as string[] };

    const result = nextBusinessTime(at(now as string), hours, zone as string);

    expect(result.toISOString()).toBe(next);
  });

  it.each`
    case                                    | zone                  | start                         | minutes | expected
    ${'Berlin Friday 17:00 CET + 2 h'}      | ${'Europe/Berlin'}    | ${'2026-03-27T16:00:00.000Z'} | ${120}  | ${'2026-03-30T08:00:00.000Z'}
    ${'zero minutes on Saturday → opening'} | ${'Europe/Berlin'}    | ${'2026-03-28T12:00:00.000Z'} | ${0}    | ${'2026-03-30T07:00:00.000Z'}
    ${'a full day lands on closing time'}   | ${'Europe/Berlin'}    | ${'2026-03-30T07:00:00.000Z'} | ${540}  | ${'2026-03-30T16:00:00.000Z'}
    ${'New York Friday 17:00 EST + 90 min'} | ${'America/New_York'} | ${'2026-03-06T22:00:00.000Z'} | ${90}   | ${'2026-03-09T13:30:00.000Z'}
  `('addBusinessMinutes: $case', ({ zone, start, minutes, expected }) => {
    const result = addBusinessMinutes(
      at(start as string),
      minutes as number,
      WEEKDAYS_9_TO_6,
      zone as string,
    );

    expect(result.toISOString()).toBe(expected);
  });

  it('refuses negative minutes', () => {
    expect(() =>
      addBusinessMinutes(at('2026-03-30T08:00:00.000Z'), -1, WEEKDAYS_9_TO_6, 'UTC'),
    ).toThrow(RangeError);
  });

  it.each`
    case                                          | zone               | start                         | days | expected
    ${'Berlin Friday 17:00 CET, across DST'}      | ${'Europe/Berlin'} | ${'2026-03-27T16:00:00.000Z'} | ${2} | ${'2026-03-31T15:00:00.000Z'}
    ${'Berlin Monday 10:00 CET → Wednesday'}      | ${'Europe/Berlin'} | ${'2026-11-02T09:00:00.000Z'} | ${2} | ${'2026-11-04T09:00:00.000Z'}
    ${'Berlin Saturday: the clock starts Monday'} | ${'Europe/Berlin'} | ${'2026-03-28T12:00:00.000Z'} | ${2} | ${'2026-03-31T16:00:00.000Z'}
  `('addWorkingDays: $case', ({ zone, start, days, expected }) => {
    const result = addWorkingDays(
      at(start as string),
      days as number,
      WEEKDAYS_9_TO_6,
      zone as string,
    );

    expect(result.toISOString()).toBe(expected);
  });

  it.each`
    case                                          | zone                  | start                         | cutoff     | expected
    ${'Berlin Monday 10:00 → 18:00 CEST'}         | ${'Europe/Berlin'}    | ${'2026-03-30T08:00:00.000Z'} | ${null}    | ${'2026-03-30T16:00:00.000Z'}
    ${'Berlin Monday before opening'}             | ${'Europe/Berlin'}    | ${'2026-03-30T05:00:00.000Z'} | ${null}    | ${'2026-03-30T16:00:00.000Z'}
    ${'Berlin Friday evening → Monday, past DST'} | ${'Europe/Berlin'}    | ${'2026-03-27T18:00:00.000Z'} | ${null}    | ${'2026-03-30T16:00:00.000Z'}
    ${'Berlin Saturday → Monday'}                 | ${'Europe/Berlin'}    | ${'2026-03-28T10:00:00.000Z'} | ${null}    | ${'2026-03-30T16:00:00.000Z'}
    ${'after the cutoff → next business day'}     | ${'Europe/Berlin'}    | ${'2026-03-30T14:30:00.000Z'} | ${'16:00'} | ${'2026-03-31T16:00:00.000Z'}
    ${'before the cutoff → today'}                | ${'Europe/Berlin'}    | ${'2026-03-30T13:00:00.000Z'} | ${'16:00'} | ${'2026-03-30T16:00:00.000Z'}
    ${'New York Friday 17:30 EST → 18:00 EST'}    | ${'America/New_York'} | ${'2026-03-06T22:30:00.000Z'} | ${null}    | ${'2026-03-06T23:00:00.000Z'}
    ${'New York Saturday → Monday 18:00 EDT'}     | ${'America/New_York'} | ${'2026-03-07T15:00:00.000Z'} | ${null}    | ${'2026-03-09T22:00:00.000Z'}
  `('sameDayDeadline: $case', ({ zone, start, cutoff, expected }) => {
    const result = sameDayDeadline(
      at(start as string),
      WEEKDAYS_9_TO_6,
      zone as string,
      cutoff as string | null,
    );

    expect(result.toISOString()).toBe(expected);
  });
});
