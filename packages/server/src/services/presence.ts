/** Who is online, as far as this process knows; the real-time gateway provides the real one. */
export interface PresenceView {
  isOnline(userId: string): boolean;
}

export const nobodyOnline: PresenceView = { isOnline: () => false };
