/**
 * The limits the contracts check, as plain numbers: what a client can test against before it
 * sends anything (without importing a schema), and the defaults of the limits the reference server
 * enforces (all configurable on the server).
 */
export const limits = {
  messageContentChars: 16_384,
  titleChars: 200,
  systemPromptChars: 16_384,
  displayNameChars: 64,
  clientMessageIdChars: 128,
  participantsPerRequest: 100,
  clientToolsPerSend: 32,
  toolDescriptionChars: 1024,
  toolErrorChars: 4096,
  attachmentsPerMessage: 10,
  reactionsPerMessage: 20,
  reactionChars: 32,
  statusTextChars: 140,
  avatarUrlChars: 2048,
} as const;
