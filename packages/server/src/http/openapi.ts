/**
 * `/openapi.json` (OpenAPI 3.1), generated from the route contracts: the same schemas that
 * validate requests describe them. Named resources become `components.schemas`.
 */

import type { RouteContract, Schema } from '@chatwire/sdk/contracts';
import * as contracts from '@chatwire/sdk/contracts';
import * as z from 'zod/mini';

type JsonSchema = Record<string, unknown>;

/** Resources worth a name in the document. */
const named: Record<string, Schema> = {
  User: contracts.User,
  PublicUser: contracts.PublicUser,
  Conversation: contracts.Conversation,
  Participant: contracts.Participant,
  Message: contracts.Message,
  MessagePart: contracts.MessagePart,
  TextPart: contracts.TextPart,
  ReasoningPart: contracts.ReasoningPart,
  ToolPart: contracts.ToolPart,
  StepStartPart: contracts.StepStartPart,
  SourceUrlPart: contracts.SourceUrlPart,
  FilePart: contracts.FilePart,
  UploadedFile: contracts.UploadedFile,
  DirectUpload: contracts.DirectUpload,
  ClientToolDeclaration: contracts.ClientToolDeclaration,
  Model: contracts.Model,
  Tokens: contracts.Tokens,
  Session: contracts.Session,
  Usage: contracts.Usage,
  ErrorEnvelope: contracts.ErrorEnvelope,
  ChatStreamEvent: contracts.ChatStreamEvent,
};

export function buildOpenApiDocument(routes: Record<string, RouteContract>, info: { version: string }) {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(named)) registry.add(schema, { id });
  const components: Record<string, JsonSchema> = {};
  const all = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io: 'output',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, JsonSchema> };
  for (const [id, schema] of Object.entries(all.schemas)) {
    const { $id: _id, $schema: _schema, ...rest } = schema;
    components[id] = rest;
  }

  const toJson = (schema: Schema, io: 'input' | 'output'): JsonSchema => {
    const generated = z.toJSONSchema(schema, {
      metadata: registry,
      target: 'draft-2020-12',
      io,
      unrepresentable: 'any',
    });
    const text = JSON.stringify(generated).replaceAll('"#/$defs/', '"#/components/schemas/');
    const {
      $schema: _schema,
      $defs,
      ...rest
    } = JSON.parse(text) as JsonSchema & { $defs?: Record<string, JsonSchema> };
    for (const [id, definition] of Object.entries($defs ?? {})) components[id] ??= definition;
    return rest;
  };

  const parameters = (schema: Schema | undefined, location: 'path' | 'query') => {
    if (!schema) return [];
    const json = toJson(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
    return Object.entries(json.properties ?? {}).map(([name, property]) => ({
      name,
      in: location,
      required: location === 'path' || (json.required ?? []).includes(name),
      schema: property,
      ...(typeof property.description === 'string' ? { description: property.description } : {}),
    }));
  };

  /** A route's request body: JSON or a form from its schema; an upload's one binary `file` field. */
  const requestBody = (route: RouteContract) => {
    if (route.bodyType === 'multipart')
      return {
        required: true,
        content: {
          'multipart/form-data': {
            schema: {
              type: 'object',
              required: ['file'],
              properties: { file: { type: 'string', format: 'binary', description: 'The file (one part)' } },
            },
          },
        },
      };
    if (!route.body) return undefined;
    const type = route.bodyType === 'form' ? 'application/x-www-form-urlencoded' : 'application/json';
    return { required: true, content: { [type]: { schema: toJson(route.body, 'input') } } };
  };

  const errorResponse = {
    content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } },
  };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [operationId, route] of Object.entries(routes)) {
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    const responses: Record<string, unknown> = {};
    for (const [status, schema] of Object.entries(route.responses)) {
      const content: Record<string, unknown> = {};
      if (schema) content['application/json'] = { schema: toJson(schema, 'output') };
      // Bytes of any type (a file's content), whole or a `Range` of them (206).
      if (route.binary && status.startsWith('2'))
        content['application/octet-stream'] = { schema: { type: 'string', format: 'binary' } };
      if (route.sse && status.startsWith('2'))
        content['text/event-stream'] = { schema: toJson(route.sse, 'output') };
      const description =
        status === '204' ? 'No content' : status === '101' ? 'Switching to WebSocket' : 'Success';
      responses[status] = { description, ...(Object.keys(content).length ? { content } : {}) };
    }
    if (route.sse && Object.keys(route.responses).length === 0) {
      responses['200'] = {
        description: 'An event stream',
        content: { 'text/event-stream': { schema: toJson(route.sse, 'output') } },
      };
    }
    responses.default = {
      description: `An error (${(route.errors ?? ['validation_failed']).join(', ')}, …)`,
      ...errorResponse,
    };
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = {
      operationId,
      tags: [route.tag],
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      ...(route.auth
        ? { security: [{ bearerAuth: [] }, { oauth2: [] }] }
        : // A binary answer takes a bearer token or a signed URL (no scheme: `{}`).
          { security: route.binary ? [{ bearerAuth: [] }, { oauth2: [] }, {}] : [] }),
      parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
      ...(requestBody(route) ? { requestBody: requestBody(route) } : {}),
      responses,
    };
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'chatwire',
      version: info.version,
      description:
        'Chat between people in real time and with AI assistants that stream. Sign in with **Authorize** (OAuth2 password flow against `/v1/auth/token`), then try any route. Real-time events: WebSocket `GET /v1/realtime`.',
    },
    servers: [{ url: '/' }],
    tags: [
      { name: 'auth' },
      { name: 'users' },
      { name: 'conversations' },
      { name: 'messages' },
      { name: 'search' },
      { name: 'files' },
      { name: 'models' },
      { name: 'realtime' },
      { name: 'service' },
    ],
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        oauth2: {
          type: 'oauth2',
          flows: { password: { tokenUrl: '/v1/auth/token', refreshUrl: '/v1/auth/token', scopes: {} } },
        },
      },
    },
  };
}
