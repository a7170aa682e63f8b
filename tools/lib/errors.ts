/** A bad command line. CLIs print the message and exit 2, the usual code for usage errors. */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
