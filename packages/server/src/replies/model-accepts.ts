/**
 * What a model may be sent: images only to a model with vision. Checked by the use cases before
 * anything is stored or any provider is called (a send, a regenerate with another model), because
 * a provider refuses an image for a text-only model only once the prompt has been kept — and some
 * silently ignore it, answering as if nothing had been attached. Images already in the history
 * are not refused later on: the context names them instead (`attachment-loader.ts`).
 */
import type { MessagePart } from '@chatwire/sdk/contracts';
import type { ResolvedModel } from '../providers/registry.js';
import { UnsupportedMediaType } from '../services/errors.js';
import { isModelImage } from './attachment-kinds.js';

/**
 * Throws `UnsupportedMediaType` (415 `unsupported_media_type`) when `parts` hold an image and
 * `model` does not take images. The fields name the images by their place among the message's
 * files, which is their place in `attachments`.
 *
 * @example
 * requireModelAccepts(assistants.resolveModel('local'), prompt.parts);
 * // throws: Model "local" does not take images; …
 */
export function requireModelAccepts(model: ResolvedModel, parts: readonly MessagePart[]): void {
  if (model.vision) return;
  const files = parts.filter((part) => part.type === 'file');
  const images = files.flatMap((part, index) => (isModelImage(part.mediaType) ? [{ part, index }] : []));
  if (images.length === 0) return;
  throw new UnsupportedMediaType(
    `Model "${model.alias}" does not take images; send the image to a model with vision (GET /v1/models says which) or send the message without it`,
    images.map(({ part, index }) => ({
      path: ['attachments', index],
      message: `${part.filename ?? 'This file'} is an image (${part.mediaType}), which model "${model.alias}" does not take`,
    })),
  );
}
