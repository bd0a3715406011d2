import { isXId } from '../ids.js';
import { jsonResponse } from '../http.js';
import { createQueryReader, notAnXId } from '../params.js';
import { invalidParameter, resourceNotFound, type Problem } from '../problems.js';
import { renderPosts } from '../render.js';
import type { SandboxPost } from '../state.js';
import type { Endpoint } from './endpoint.js';
import { badRequest, POST_FIELD_PARAMS, readRenderOptions } from './timeline.js';

/** X answers at most 100 ids per lookup (spec getPostsByIds: minItems 1, maxItems 100). */
const LOOKUP_MAX_IDS = 100;

const PARAMS = ['ids', ...POST_FIELD_PARAMS];

/**
 * GET /2/tweets?ids=… (getPostsByIds; findTweetsById in older specs). Found posts come back in the order asked,
 * each once; ids with no post are partial `resource-not-found` errors in a 200, as X reports them. No `meta`.
 */
export const lookupEndpoint: Endpoint = {
  key: 'GET /2/tweets',
  method: 'GET',
  path: /^\/2\/tweets$/,
  allowsAppOnly: true,
  handle({ state, request }) {
    const reader = createQueryReader(request.url.searchParams, PARAMS);
    const raw = reader.string('ids');
    const ids = raw === undefined || raw === '' ? [] : raw.split(',');
    if (ids.length === 0) {
      reader.errors.push({
        parameters: { ids: [] },
        message: 'The `ids` query parameter can not be empty',
      });
    } else if (ids.length > LOOKUP_MAX_IDS) {
      reader.errors.push(
        invalidParameter(
          'ids',
          raw ?? '',
          `The number of values in the \`ids\` query parameter list [${ids.length}] is not between 1 and ${LOOKUP_MAX_IDS}`,
        ),
      );
    }
    for (const id of ids) {
      if (!isXId(id)) {
        reader.errors.push(notAnXId('ids', id));
      }
    }
    const options = readRenderOptions(reader);
    if (reader.errors.length > 0) {
      return badRequest(reader.errors);
    }

    const found: SandboxPost[] = [];
    const missing: Problem[] = [];
    for (const id of new Set(ids)) {
      const post = state.posts.get(id);
      if (post === undefined) {
        missing.push(resourceNotFound({ parameter: 'ids', resourceType: 'tweet', id }));
      } else {
        found.push(post);
      }
    }
    const rendered = renderPosts(state, found, options);
    const errors = [...missing, ...(rendered.errors ?? [])];
    return jsonResponse(200, { ...rendered, ...(errors.length > 0 ? { errors } : {}) });
  },
};
