import { describe, expect, it } from 'vitest';
import { captureLogs } from '../helpers/log-capture.js';

describe('logger redaction', () => {
  it('never prints credentials, whatever object they travel in', () => {
    const { logger, lines } = captureLogs();

    logger.info(
      {
        client: { appKey: 'AK', appSecret: 'AS', accessToken: 'AT', accessSecret: 'ATS' },
        req: { headers: { authorization: 'OAuth oauth_signature="sig"', cookie: 'sid=1' } },
        oauth2: { token: 'bearer-123' },
      },
      'hello',
    );

    const printed = JSON.stringify(lines);
    for (const secret of ['AK', 'AS', 'AT', 'ATS', 'oauth_signature', 'sid=1', 'bearer-123']) {
      expect(printed).not.toContain(secret);
    }
    expect(lines[0]?.msg).toBe('hello');
  });
});
