import { describe, expect, it } from 'vitest';

import { request } from '../support/http';

describe('X-Request-Id', () => {
  it('is minted for a request that has none', async () => {
    const response = await request('/health');

    expect(response.headers.get('X-Request-Id')).toMatch(/^req_[0-9A-Z]{26}$/);
  });

  it('echoes a sane incoming id', async () => {
    const response = await request('/health', { headers: { 'X-Request-Id': 'edge-7f3a.91:2' } });

    expect(response.headers.get('X-Request-Id')).toBe('edge-7f3a.91:2');
  });

  it.each([
    ['too long', 'x'.repeat(129)],
    ['with spaces', 'two words'],
    ['with markup', '<script>'],
  ])('replaces an incoming id that is %s', async (_case, incoming) => {
    const response = await request('/health', { headers: { 'X-Request-Id': incoming } });

    expect(response.headers.get('X-Request-Id')).toMatch(/^req_/);
  });

  it('is on error responses and inside their body', async () => {
    const response = await request('/no-such-route', { headers: { 'X-Request-Id': 'trace-1' } });

    expect(response.status).toBe(404);
    expect(response.headers.get('X-Request-Id')).toBe('trace-1');
    expect(await response.json()).toMatchObject({ code: 'route_not_found', request_id: 'trace-1' });
  });
});
