/**
 * A client tool's JSON Schema read into a zod schema the server validates the model's input with,
 * cached: a reply's steps validate against the same declarations again and again.
 */
import * as z from 'zod';

/**
 * Keywords whose value is a schema, or an array or map of schemas: where the walk below goes.
 * Everything else (`default`, `enum`, `const`, `examples`, …) is data, whose keys are not keywords.
 */
const schemaKeywords = new Set([
  'items',
  'additionalItems',
  'contains',
  'additionalProperties',
  'propertyNames',
  'unevaluatedItems',
  'unevaluatedProperties',
  'not',
  'if',
  'then',
  'else',
]);
const schemaListKeywords = new Set(['prefixItems', 'allOf', 'anyOf', 'oneOf', 'items']);
const schemaMapKeywords = new Set([
  'properties',
  'patternProperties',
  '$defs',
  'definitions',
  'dependentSchemas',
]);

/**
 * The schema without its `pattern`s (throws when one is no regular expression). A client writes both the pattern and, through the prompt,
 * much of what the model sends: a catastrophic regular expression (`(a+)+$`) would hold the
 * server's event loop. The server checks everything else; the client, which runs the tool and
 * wrote the pattern, checks it too (the SDK validates the input before `execute`).
 */
function withoutPatterns(schema: unknown): unknown {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return schema;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'pattern' && typeof value === 'string') {
      new RegExp(value); // compiled to say when it is no regular expression, never run
      continue;
    }
    if (schemaListKeywords.has(key) && Array.isArray(value)) copy[key] = value.map(withoutPatterns);
    else if (schemaKeywords.has(key)) copy[key] = withoutPatterns(value);
    else if (schemaMapKeywords.has(key) && typeof value === 'object' && value !== null)
      copy[key] = Object.fromEntries(
        Object.entries(value).map(([name, sub]) => [name, withoutPatterns(sub)]),
      );
    else copy[key] = value;
  }
  return copy;
}

/** Whether `patternProperties` appears anywhere a schema can be (its keys are regular expressions too). */
function hasPatternProperties(schema: unknown): boolean {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return false;
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'patternProperties') return true;
    if (schemaListKeywords.has(key) && Array.isArray(value) && value.some(hasPatternProperties)) return true;
    if (schemaKeywords.has(key) && hasPatternProperties(value)) return true;
    if (schemaMapKeywords.has(key) && typeof value === 'object' && value !== null)
      if (Object.values(value).some(hasPatternProperties)) return true;
  }
  return false;
}

/**
 * Reads a client tool's input JSON Schema into a zod schema; throws, saying why, when zod cannot
 * read it, it is not an object schema, or it uses `patternProperties`.
 */
export function compileClientSchema(inputSchema: Record<string, unknown>): z.ZodType {
  if (inputSchema.type !== 'object')
    throw new Error('must be an object schema ({ "type": "object", … }): models take named arguments');
  if (hasPatternProperties(inputSchema))
    throw new Error('patternProperties is not accepted: name the properties');
  // A registry of its own: zod would otherwise keep the schema of every `id` (draft 4's `$id`) in
  // its global registry, for the life of the process.
  return z.fromJSONSchema(withoutPatterns(inputSchema) as z.core.JSONSchema.JSONSchema, {
    registry: z.registry(),
    defaultTarget: 'draft-2020-12',
  });
}

/** Schemas read by object (the declarations of one reply) and by JSON text (the same ones read again from storage). */
const byObject = new WeakMap<object, z.ZodType>();
const byText = new Map<string, z.ZodType>();
/** Distinct schemas kept by text; the least recently used one goes first. */
const textCacheSize = 256;

/** {@link compileClientSchema}, cached. */
export function clientSchema(inputSchema: Record<string, unknown>): z.ZodType {
  const known = byObject.get(inputSchema);
  if (known) return known;
  const text = JSON.stringify(inputSchema);
  let schema = byText.get(text);
  if (schema) byText.delete(text);
  else schema = compileClientSchema(inputSchema);
  byText.set(text, schema);
  if (byText.size > textCacheSize) byText.delete(byText.keys().next().value as string);
  byObject.set(inputSchema, schema);
  return schema;
}
