import { randomUUID } from 'node:crypto';

import { jsonResponse, type SandboxHttpResponse } from './http.js';

/**
 * App Store Connect `ErrorResponse` bodies (spec 4.4.1 `ResponseError`; `status` is a string). Wordings seen in
 * public reports are used as Apple sends them (platform-facts §4.4, §4.5); the rest are the sandbox's own.
 */

export type ErrorSource = { pointer: string } | { parameter: string };

export interface AppleError {
  id: string;
  status: string;
  code: string;
  title: string;
  detail?: string;
  source?: ErrorSource;
}

export function errorResponse(
  status: number,
  error: Omit<AppleError, 'id' | 'status'>,
): SandboxHttpResponse {
  return jsonResponse(status, { errors: [{ id: randomUUID(), status: String(status), ...error }] });
}

export function notAuthorized(): SandboxHttpResponse {
  return errorResponse(401, {
    code: 'NOT_AUTHORIZED',
    title: 'Authentication credentials are missing or invalid.',
    detail:
      'Provide a properly configured and signed bearer token, and make sure that it has not expired. Learn more about Generating Tokens for API Requests https://developer.apple.com/go/?id=api-generating-tokens',
  });
}

export function rateLimitExceeded(): SandboxHttpResponse {
  return errorResponse(429, {
    code: 'RATE_LIMIT_EXCEEDED',
    title: 'The request rate limit has been reached.',
    detail:
      "We've received too many requests for this API. Please wait and try again or slow down your request rate.",
  });
}

export function pathNotFound(): SandboxHttpResponse {
  return errorResponse(404, {
    code: 'NOT_FOUND',
    title: 'The specified resource does not exist',
    detail: 'The path provided does not match a defined resource type.',
  });
}

export function resourceNotFound(type: string, id: string): SandboxHttpResponse {
  return errorResponse(404, {
    code: 'NOT_FOUND',
    title: 'The specified resource does not exist',
    detail: `There is no resource of type '${type}' with id '${id}'`,
  });
}

export function methodNotAllowed(method: string): SandboxHttpResponse {
  return errorResponse(405, {
    code: 'METHOD_NOT_ALLOWED',
    title: 'The request method is not valid for the resource path.',
    detail: `The request method '${method}' is not valid for this resource path.`,
  });
}

export function parameterInvalid(parameter: string, detail: string): SandboxHttpResponse {
  return errorResponse(400, {
    code: 'PARAMETER_ERROR.INVALID',
    title: 'A parameter has an invalid value',
    detail,
    source: { parameter },
  });
}

export function parameterIllegal(parameter: string): SandboxHttpResponse {
  return errorResponse(400, {
    code: 'PARAMETER_ERROR.ILLEGAL',
    title: 'A parameter which is not allowed for this request was provided.',
    detail: `The parameter '${parameter}' can not be used with this request`,
    source: { parameter },
  });
}

export function entityUnprocessable(detail: string, pointer?: string): SandboxHttpResponse {
  return errorResponse(422, {
    code: 'ENTITY_UNPROCESSABLE',
    title: 'The request entity is not valid.',
    detail,
    ...(pointer !== undefined ? { source: { pointer } } : {}),
  });
}

export function attributeRequired(attribute: string): SandboxHttpResponse {
  return errorResponse(422, {
    code: 'ENTITY_ERROR.ATTRIBUTE.REQUIRED',
    title: 'The provided entity is missing a required attribute',
    detail: `You must provide a value for the attribute '${attribute}' with this request`,
    source: { pointer: `/data/attributes/${attribute}` },
  });
}

export function attributeInvalid(attribute: string, detail: string): SandboxHttpResponse {
  return errorResponse(422, {
    code: 'ENTITY_ERROR.ATTRIBUTE.INVALID',
    title: 'An attribute value is invalid.',
    detail,
    source: { pointer: `/data/attributes/${attribute}` },
  });
}

export function attributeUnknown(resource: string, attribute: string): SandboxHttpResponse {
  return errorResponse(409, {
    code: 'ENTITY_ERROR.ATTRIBUTE.UNKNOWN',
    title: 'The provided entity includes an unknown attribute',
    detail: `'${attribute}' is not an attribute on the resource '${resource}'`,
    source: { pointer: `/data/attributes/${attribute}` },
  });
}

export function entityTypeInvalid(expected: string, pointer: string): SandboxHttpResponse {
  return errorResponse(409, {
    code: 'ENTITY_ERROR.TYPE.INVALID',
    title: 'The provided entity has an invalid type',
    detail: `The resource type must be '${expected}'`,
    source: { pointer },
  });
}

export function relationshipRequired(relationship: string): SandboxHttpResponse {
  return errorResponse(409, {
    code: 'ENTITY_ERROR.RELATIONSHIP.REQUIRED',
    title: 'The provided entity is missing a required relationship',
    detail: `You must provide a value for the relationship '${relationship}' with this request`,
    source: { pointer: `/data/relationships/${relationship}` },
  });
}

export function relationshipInvalid(relationship: string, detail: string): SandboxHttpResponse {
  return errorResponse(409, {
    code: 'ENTITY_ERROR.RELATIONSHIP.INVALID',
    title: 'The provided entity includes a relationship with an invalid value',
    detail,
    source: { pointer: `/data/relationships/${relationship}` },
  });
}
