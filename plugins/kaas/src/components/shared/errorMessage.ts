import { ResponseError } from '@backstage/errors';

/**
 * What went wrong, in the backend's words: a `ResponseError`'s own message is only
 * "Request failed with 403 Forbidden"; the reason (e.g. the permission refusal) is its cause.
 */
export function errorMessage(error: Error): string {
  if (error instanceof ResponseError || error.name === 'ResponseError') {
    const cause = (error as ResponseError).cause;
    if (cause?.message) return cause.message;
  }
  return error.message;
}

/** The HTTP status of a failed request, if the error came from one. */
export function errorStatus(error: Error | undefined): number | undefined {
  if (!error) return undefined;
  return (error as Partial<ResponseError>).statusCode;
}
