/** HTTP status of a client-node ApiException (or of an error wrapping one). */
export function statusCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
}
