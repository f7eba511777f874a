import { UpstreamError, type UpstreamFailure } from '../errors/upstream-error';

/**
 * The kind of {@link UpstreamError} `parse` throws, or undefined when it
 * returns: for tables of upstream answers a reply parser must refuse. Any
 * other error is rethrown. Works under any test runner.
 *
 * @example
 * it.each(badBodies)('rejects %s', (_name, body) => expect(upstreamFailureOf(() => parseReply(body))).toBe('invalid'));
 */
export function upstreamFailureOf(parse: () => unknown): UpstreamFailure | undefined {
  try {
    parse();
  } catch (error) {
    if (!(error instanceof UpstreamError)) throw error;
    return error.failure;
  }
  return undefined;
}

/**
 * What a browser and a log would see of the failure `parse` throws: the
 * status and `error` of its problem, and all its text (message and problem
 * body), to check that nothing of the upstream's body is quoted.
 * @throws Error when `parse` returns, or throws anything but an UpstreamError.
 */
export function upstreamProblemOf(parse: () => unknown): { status: number; error: string; text: string } {
  try {
    parse();
  } catch (error) {
    if (!(error instanceof UpstreamError)) throw error;
    const problem = error.toProblem();
    return { status: problem.getStatus(), error: String(problem.toBody().error), text: error.message + JSON.stringify(problem.toBody()) };
  }
  throw new Error('the parser accepted the answer');
}
