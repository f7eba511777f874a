import type { Reply } from './http';

/** Asserts the no-store headers every token answer, success or error, carries. */
export function expectNoStore(reply: Reply): void {
  expect({ cacheControl: reply.headers['cache-control'], pragma: reply.headers.pragma }).toEqual({ cacheControl: 'no-store', pragma: 'no-cache' });
}

/** Asserts `reply` is an RFC 9457 problem of `status` with the contract's members, that no cache may keep. */
export function expectProblem(reply: Reply, status: number): void {
  expect({ status: reply.status, type: reply.headers['content-type'] }).toEqual({
    status,
    type: expect.stringMatching(/^application\/problem\+json/),
  });
  expect(reply.body).toEqual(
    expect.objectContaining({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String), error: expect.any(String) }),
  );
  expect(reply.body.error.length).toBeGreaterThan(0);
  expectNoStore(reply);
}
