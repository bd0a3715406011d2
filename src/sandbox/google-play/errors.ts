import { jsonResponse, type SandboxHttpResponse } from '../shared/http.js';

/**
 * Error bodies in Google's JSON shape (platform-facts §5.4):
 * `{"error":{"code":403,"message":"…","status":"PERMISSION_DENIED","errors":[{"message":"…","domain":"global","reason":"…"}]}}`.
 * The wording follows what Google APIs are commonly seen to send; androidpublisher's exact texts are unverified.
 */

export type GoogleStatus =
  | 'INVALID_ARGUMENT'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'NOT_FOUND'
  | 'RESOURCE_EXHAUSTED'
  | 'INTERNAL';

const CODES: Record<GoogleStatus, number> = {
  INVALID_ARGUMENT: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  RESOURCE_EXHAUSTED: 429,
  INTERNAL: 500,
};

export interface GoogleErrorItem {
  message: string;
  domain: string;
  reason: string;
  location?: string;
  locationType?: string;
}

export interface GoogleError {
  error: { code: number; message: string; status: GoogleStatus; errors: GoogleErrorItem[] };
}

export function googleError(
  status: GoogleStatus,
  message: string,
  item: Partial<GoogleErrorItem> & { reason: string },
  headers?: Record<string, string>,
): SandboxHttpResponse {
  const code = CODES[status];
  const body: GoogleError = {
    error: { code, message, status, errors: [{ message, domain: 'global', ...item }] },
  };
  const response = jsonResponse(code, body);
  return headers ? { ...response, headers } : response;
}

const CREDENTIAL_HELP =
  'Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';

export function missingCredentials(): SandboxHttpResponse {
  return googleError(
    'UNAUTHENTICATED',
    `Request is missing required authentication credential. ${CREDENTIAL_HELP}`,
    {
      message: 'Login Required.',
      reason: 'required',
      location: 'Authorization',
      locationType: 'header',
    },
    { 'www-authenticate': 'Bearer realm="https://accounts.google.com/"' },
  );
}

export function invalidCredentials(): SandboxHttpResponse {
  return googleError(
    'UNAUTHENTICATED',
    `Request had invalid authentication credentials. ${CREDENTIAL_HELP}`,
    {
      message: 'Invalid Credentials',
      reason: 'authError',
      location: 'Authorization',
      locationType: 'header',
    },
    { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
  );
}

export function insufficientScopes(): SandboxHttpResponse {
  return googleError('PERMISSION_DENIED', 'Request had insufficient authentication scopes.', {
    message: 'Insufficient Permission',
    reason: 'insufficientPermissions',
  });
}

export function invalidArgument(message: string): SandboxHttpResponse {
  return googleError('INVALID_ARGUMENT', message, { reason: 'badRequest' });
}

export function notFound(message: string): SandboxHttpResponse {
  return googleError('NOT_FOUND', message, { reason: 'notFound' });
}

export function quotaExceeded(metric: string, limit: string): SandboxHttpResponse {
  return googleError(
    'RESOURCE_EXHAUSTED',
    `Quota exceeded for quota metric '${metric}' and limit '${limit}' of service 'androidpublisher.googleapis.com' for consumer 'project_number:0'.`,
    { reason: 'rateLimitExceeded' },
  );
}

export function internalError(message: string): SandboxHttpResponse {
  return googleError('INTERNAL', message, { reason: 'backendError' });
}

/** The OAuth token endpoint's own error shape: `{ error, error_description }` (RFC 6749 §5.2), status 400. */
export function tokenError(error: string, description: string): SandboxHttpResponse {
  return jsonResponse(400, { error, error_description: description });
}
