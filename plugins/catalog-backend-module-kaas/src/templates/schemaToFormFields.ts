import type {
  CapabilityJsonValue,
  CapabilityPlan,
} from '@kaas-platform/plugin-kaas-common';

/** A JSON Schema (or a form field, which is one with `ui:*` keys) as plain data. */
export type JsonSchema = { [key: string]: CapabilityJsonValue };

/**
 * Keywords a form field takes over from the capability's schema as they are: what they
 * accept is what the scaffolder's form checks before the task runs. Everything else
 * (`x-kaas-*`, `$comment`, `if`/`then`, ...) stays behind; the backend checks the
 * request against the whole schema anyway.
 */
const CARRIED_KEYWORDS = [
  'description',
  'enum',
  'enumNames',
  'const',
  'default',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minItems',
  'maxItems',
  'uniqueItems',
  'readOnly',
] as const;

const SCALAR_TYPES = ['string', 'integer', 'number', 'boolean'];

/** The plan note of a field a plan sets. */
export const PLAN_VALUE_NOTE = "Leave empty to take the plan's value.";

function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `replicationFactor` → `Replication factor`, `min_in_sync` → `Min in sync`. */
export function humanise(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[-_.]+/g, ' ')
    .trim()
    .toLocaleLowerCase('en-US');
  return words.charAt(0).toLocaleUpperCase('en-US') + words.slice(1);
}

/** `oneOf`/`anyOf` kept only as a list of labelled choices (`const` + `title`). */
function labelledChoices(value: unknown): JsonSchema[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  if (!value.every(v => isObject(v) && 'const' in v)) return undefined;
  return (value as JsonSchema[]).map(choice => ({
    const: choice.const,
    ...(typeof choice.title === 'string' ? { title: choice.title } : {}),
    ...(typeof choice.description === 'string'
      ? { description: choice.description }
      : {}),
  }));
}

/**
 * One form field of a schema property: title (the humanised property name when the
 * schema has none), type and the carried keywords; `examples` become a help line; an
 * array's scalar `items` and an object's `properties` are converted the same way.
 */
export function formField(name: string, property: JsonSchema): JsonSchema {
  const field: JsonSchema = {
    title: typeof property.title === 'string' ? property.title : humanise(name),
  };
  const type = property.type;
  if (
    typeof type === 'string' &&
    [...SCALAR_TYPES, 'array', 'object'].includes(type)
  ) {
    field.type = type;
  } else if (Array.isArray(type)) {
    field.type = type;
  }
  for (const keyword of CARRIED_KEYWORDS) {
    if (property[keyword] !== undefined) field[keyword] = property[keyword];
  }
  for (const keyword of ['oneOf', 'anyOf'] as const) {
    const choices = labelledChoices(property[keyword]);
    if (choices) field[keyword] = choices;
  }
  if (type === 'array' && isObject(property.items)) {
    field.items = formField(`${name} item`, property.items);
    delete (field.items as JsonSchema).title;
  }
  if (type === 'object' && isObject(property.properties)) {
    field.properties = formFields(property.properties);
    if (typeof property.additionalProperties === 'boolean') {
      field.additionalProperties = property.additionalProperties;
    }
    if (Array.isArray(property.required)) field.required = property.required;
  }
  if (Array.isArray(property.examples) && property.examples.length > 0) {
    field['ui:help'] = `Example: ${String(property.examples[0])}`;
  }
  return field;
}

/** The form fields of a schema's `properties`, in their order. */
export function formFields(properties: JsonSchema): JsonSchema {
  return Object.fromEntries(
    Object.entries(properties)
      .filter(([, property]) => isObject(property))
      .map(([name, property]) => [
        name,
        formField(name, property as JsonSchema),
      ]),
  );
}

/**
 * The `settings` field of a capability's settings page: its parameter schema as form
 * fields, none required (every plan sets the required parameters), and those some
 * plan sets saying that an empty field takes the plan's value.
 */
export function settingsField(
  schema: JsonSchema,
  plans: Record<string, CapabilityPlan>,
): JsonSchema {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const planned = new Set(
    Object.values(plans).flatMap(plan => Object.keys(plan.parameters ?? {})),
  );
  const fields = formFields(properties);
  for (const [name, field] of Object.entries(fields)) {
    if (!planned.has(name) || !isObject(field)) continue;
    field.description =
      typeof field.description === 'string'
        ? `${sentence(field.description)} ${PLAN_VALUE_NOTE}`
        : PLAN_VALUE_NOTE;
  }
  return {
    title: 'Settings',
    description:
      'The plan sets what it needs; change only what you want different.',
    type: 'object',
    ...(typeof schema.additionalProperties === 'boolean'
      ? { additionalProperties: schema.additionalProperties }
      : {}),
    properties: fields,
  };
}

/**
 * The `settings` field of an operation's template: the operation's parameter schema as
 * typed form fields, its `required` kept (no plan fills them), unknown keys refused as
 * the backend refuses them.
 */
export function operationParametersField(schema: JsonSchema): JsonSchema {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required : [];
  return {
    title: 'Parameters',
    type: 'object',
    additionalProperties: false,
    properties: formFields(properties),
    ...(required.length > 0 ? { required } : {}),
  };
}

/** `text` ending as a sentence does, so that a note can follow it. */
function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}
