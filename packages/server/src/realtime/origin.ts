/**
 * Which browser origins may open a socket. Browsers do not apply CORS to WebSocket upgrades, so
 * without this check any page a signed-in user visits could open one with a token it obtained;
 * requests without `Origin` come from non-browser clients, where the token is the only key.
 * A page served from the server's own host (same origin, e.g. behind a reverse proxy that keeps
 * `Host`) is always allowed: it is not a cross-site request.
 */
export function originAllowed(
  origin: string | undefined,
  allowed: readonly string[],
  host?: string,
): boolean {
  if (origin === undefined) return true;
  if (allowed.includes('*') || allowed.includes(origin)) return true;
  return host !== undefined && URL.canParse(origin) && new URL(origin).host === host.toLowerCase();
}
