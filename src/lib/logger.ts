import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/** Paths pino must never print: credentials in config objects, request headers and client options. */
export const REDACT_PATHS = [
  '*.token',
  '*.accessToken',
  '*.accessSecret',
  '*.appKey',
  '*.appSecret',
  '*.bearerToken',
  '*.password',
  '*.secret',
  '*.apiKey',
  '*.privateKey',
  '*.privateKeyPem',
  '*.private_key',
  '*.access_token',
  '*.assertion',
  'headers.authorization',
  '*.headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'config.x',
  'config.notify',
  '*.webhookUrl',
  '*.slackWebhookUrl',
  '*.webhookSecret',
  'env.X_API_KEY',
  'env.X_API_SECRET',
  'env.X_ACCESS_TOKEN',
  'env.X_ACCESS_SECRET',
  'env.X_OAUTH2_USER_TOKEN',
];

export function createLogger(
  options: { level?: string; name?: string } = {},
  destination?: DestinationStream,
): Logger {
  const base: LoggerOptions = {
    name: options.name ?? 'earshot',
    level: options.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
  return destination ? pino(base, destination) : pino(base);
}
