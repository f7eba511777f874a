/** A configuration the process must not start with; its message is one line and holds no value. */
export class EnvError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = 'EnvError';
  }
}
