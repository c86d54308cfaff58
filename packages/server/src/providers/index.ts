/**
 * The model providers: the {@link Provider} seam, the built-in ones, model aliases and
 * context building. Test fakes live in `./testing/` and are not re-exported here.
 */

export { formatBytes, userTurnText } from './attached-files.js';
export { type BuildContextInput, buildContext } from './context.js';
export {
  createEchoProvider,
  type EchoProviderOptions,
  type EchoStep,
  type EchoToolCall,
  echoReply,
  echoStep,
} from './echo.js';
export { type AliasConfig, ModelConfigError, ProviderKind, parseModelsVariable } from './model-config.js';
export { createOllamaProvider, type OllamaOptions } from './ollama.js';
export {
  createOpenAICompatibleProvider,
  groqPreset,
  type OpenAICompatibleOptions,
  openaiPreset,
} from './openai-compatible.js';
export type {
  AttachmentFacts,
  ChatTurn,
  FinishReason,
  Provider,
  ProviderChunk,
  StreamRequest,
  ToolCallTurn,
  ToolSpec,
  TurnAttachment,
} from './provider.js';
export { ProviderError } from './provider.js';
export {
  DEFAULT_MODELS,
  type ModelEnv,
  type ModelRegistry,
  type ModelRegistryOptions,
  type ResolvedModel,
  resolveModels,
  UnknownModelError,
} from './registry.js';
export { DEFAULT_TIMEOUTS, type ProviderTimeouts, type Timers } from './timeouts.js';
export {
  CHARS_PER_TOKEN,
  estimateAttachmentTokens,
  estimateTokens,
  estimateTurnTokens,
  TOKENS_PER_TURN,
} from './tokens.js';
export type { FetchFunction } from './upstream.js';
