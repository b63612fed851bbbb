/** A command line the CLI cannot act on (exit 2). Kept apart from IotError: it is the user's typing, not the device. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
  }
}
Object.defineProperty(UsageError.prototype, 'name', { value: 'UsageError' });
