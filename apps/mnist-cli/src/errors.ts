/** A mistake in how the command was called: exit code 2, and the command's usage line. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The user stopped training with Ctrl-C after a checkpoint was saved. */
export class Interrupted extends Error {
  override name = 'Interrupted';
}
