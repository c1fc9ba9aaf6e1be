import { authenticated, json } from '../shared/http/handler';
import { JobPathSchema, parseInput } from '../shared/http/query';
import { getJob } from '../shared/app/jobs';
import { coreContainer } from '../shared/app/container-core';

/** GET /jobs/{id}: the caller's own queued read, with its data once it succeeded. */
export const handler = authenticated(
  async (event, { container, identity }) => {
    const { id } = parseInput(JobPathSchema, event.pathParameters);
    return json(200, await getJob(container, identity, id));
  },
  { container: coreContainer },
);
