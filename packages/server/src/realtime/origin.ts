/**
 * Which browser origins may open a socket. Browsers do not apply CORS to WebSocket upgrades, so
 * without this check any page a signed-in user visits could open one with a token it obtained;
 * requests without `Origin` come from non-browser clients, where the token is the only key.
 */
export function originAllowed(origin: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true;
  return allowed.includes('*') || allowed.includes(origin);
}
