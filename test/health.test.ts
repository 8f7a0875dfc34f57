import { describe, expect, it } from 'vitest';

import { request } from './support/http';

describe('GET /health', () => {
  it('answers 200 without an API key when the database answers', async () => {
    const response = await request('/health');

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { status: 'ok' } });
  });
});
