export {
  evaluatePolicy,
  isQuietExempt,
  responseDeadlineFor,
  severityNeedsPerson,
} from './evaluate.js';
export {
  addBusinessMinutes,
  addWorkingDays,
  businessDayMinutes,
  isBusinessTime,
  isValidTimeZone,
  isWithinQuietHours,
  nextBusinessTime,
  parseClockTime,
  quietHoursEnd,
  sameDayDeadline,
} from './hours.js';
export { isCatchAll, matches } from './match.js';
export type { RuleFacts } from './match.js';
export { isOptIn } from './opt-in.js';
export { ACTIONS, FLAGS, REPLY_ORIGINS, SOURCES, WEEKDAYS } from './types.js';
export type * from './types.js';
