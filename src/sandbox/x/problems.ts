/** Problem bodies exactly as X sends them (platform-facts §1.4, §1.6, §1.8). */

export const PROBLEM_BASE = 'https://api.twitter.com/2/problems/';

export interface Problem {
  type: string;
  title: string;
  detail?: string;
  status?: number;
  [extra: string]: unknown;
}

export interface InvalidParameter {
  parameters: Record<string, string[]>;
  message: string;
}

export function unauthorized(): Problem {
  return { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' };
}

export function unsupportedAuthentication(): Problem {
  return {
    title: 'Unsupported Authentication',
    detail:
      'Authenticating with OAuth 2.0 Application-Only is forbidden for this endpoint.  Supported authentication types are [OAuth 1.0a User Context, OAuth 2.0 User Context].',
    type: `${PROBLEM_BASE}unsupported-authentication`,
    status: 403,
  };
}

export function invalidRequest(errors: InvalidParameter[]): Problem {
  return {
    errors,
    title: 'Invalid Request',
    detail: 'One or more parameters to your request was invalid.',
    type: `${PROBLEM_BASE}invalid-request`,
  };
}

export function invalidParameter(name: string, value: string, message: string): InvalidParameter {
  return { parameters: { [name]: [value] }, message };
}

export function tooManyRequests(): Problem {
  return {
    title: 'Too Many Requests',
    detail: 'Too Many Requests',
    type: 'about:blank',
    status: 429,
  };
}

/** Sent as application/json, not problem+json, like the real API (akrherz/iembot#163). */
export function duplicateContent(): Problem {
  return {
    detail: 'You are not allowed to create a Tweet with duplicate content.',
    type: 'about:blank',
    title: 'Forbidden',
    status: 403,
  };
}

export function forbidden(detail: string): Problem {
  return { title: 'Forbidden', type: 'about:blank', status: 403, detail };
}

export function routeNotFound(method: string, path: string): Problem {
  return {
    title: 'Not Found Error',
    type: 'about:blank',
    status: 404,
    detail: `Sorry, that page does not exist: ${method} ${path}`,
  };
}

/** A partial error inside a 200 body, e.g. an expansion pointing at a missing user. */
export function resourceNotFound(input: {
  parameter: string;
  resourceType: 'user' | 'tweet';
  id: string;
}): Problem {
  return {
    value: input.id,
    detail: `Could not find ${input.resourceType} with ${input.parameter}: [${input.id}].`,
    title: 'Not Found Error',
    resource_type: input.resourceType,
    parameter: input.parameter,
    resource_id: input.id,
    type: `${PROBLEM_BASE}resource-not-found`,
  };
}
