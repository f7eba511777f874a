import { TokenProblem } from './token-problem';

/** The store (Redis) could not be reached; what needs it answers 503 until it is back. */
export class StoreUnavailableError extends Error {
  constructor() {
    super('token store unavailable');
    this.name = 'StoreUnavailableError';
  }

  /** The problem the browser gets. */
  toProblem(): TokenProblem {
    return new TokenProblem(503, 'store_unavailable', 'Token storage is unavailable; try again shortly.');
  }
}

/** Runs a store operation, turning any failure of the store into a {@link StoreUnavailableError}. */
export async function viaStore<T>(operation: Promise<T>): Promise<T> {
  try {
    return await operation;
  } catch {
    throw new StoreUnavailableError();
  }
}
