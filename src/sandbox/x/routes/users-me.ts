import { TWEET_FIELDS, USER_EXPANSIONS, USER_FIELDS } from '../fields.js';
import { jsonResponse } from '../http.js';
import { createQueryReader } from '../params.js';
import { renderUser } from '../render.js';
import type { Endpoint } from './endpoint.js';
import { badRequest } from './timeline.js';

const PARAMS = ['user.fields', 'expansions', 'tweet.fields', 'post.fields'];

/** GET /2/users/me (getUsersMe): the brand account. */
export const usersMeEndpoint: Endpoint = {
  key: 'GET /2/users/me',
  method: 'GET',
  path: /^\/2\/users\/me$/,
  allowsAppOnly: false,
  handle({ state, request }) {
    const reader = createQueryReader(request.url.searchParams, PARAMS);
    const userFields = reader.list(['user.fields'], USER_FIELDS);
    reader.list(['expansions'], USER_EXPANSIONS);
    reader.list(['tweet.fields', 'post.fields'], TWEET_FIELDS);
    if (reader.errors.length > 0) {
      return badRequest(reader.errors);
    }
    return jsonResponse(200, { data: renderUser(state, state.brand, userFields) });
  },
};
