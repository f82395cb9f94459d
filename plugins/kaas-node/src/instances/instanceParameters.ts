import Ajv2020, {
  type ErrorObject,
  type ValidateFunction,
} from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { UPDATE_KEYWORD, UPDATE_RULES } from './updateRules';

/** Checks (and fills the defaults of) an instance's parameters against a capability's JSON Schema. */
export type ParameterCheck = (parameters: Record<string, unknown>) => {
  parameters: Record<string, unknown>;
  problems: ParameterProblem[];
};

/** One broken rule; `parameter` is the dotted name of the parameter, empty for the whole. */
export interface ParameterProblem {
  parameter: string;
  message: string;
  /** The JSON Schema keyword broken, e.g. `maximum`, `required`. */
  keyword: string;
}

function describe(error: ErrorObject): ParameterProblem {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map(p => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let parameter = path.join('.');
  if (error.keyword === 'additionalProperties') {
    parameter = [...path, String(error.params.additionalProperty)].join('.');
  } else if (error.keyword === 'required') {
    parameter = [...path, String(error.params.missingProperty)].join('.');
  }
  return { parameter, message: message(error, path), keyword: error.keyword };
}

function message(error: ErrorObject, path: string[]): string {
  const named = (name: string) => `parameter '${name}'`;
  if (error.keyword === 'additionalProperties') {
    const extra = String(error.params.additionalProperty);
    return `${named([...path, extra].join('.'))} is not allowed here`;
  }
  if (error.keyword === 'required') {
    return `${named(
      [...path, String(error.params.missingProperty)].join('.'),
    )} is required`;
  }
  const subject = path.length ? named(path.join('.')) : 'parameters';
  if (error.keyword === 'enum') {
    return `${subject} must be one of ${(
      error.params.allowedValues as unknown[]
    )
      .map(v => JSON.stringify(v))
      .join(', ')}`;
  }
  // A pattern is hard to read: the schema's description of the parameter says what it wants.
  const description = (error.parentSchema as { description?: unknown })
    ?.description;
  const hint =
    error.keyword === 'pattern' && typeof description === 'string'
      ? `; expected: ${description}`
      : '';
  return `${subject} ${error.message ?? 'is invalid'} (rule '${
    error.keyword
  }')${hint}`;
}

/**
 * Compiles a capability's parameter schema (JSON Schema draft 2020-12). Throws with
 * Ajv's message when the schema itself is invalid.
 */
export function compileParameterSchema(schema: object): ParameterCheck {
  const ajv = new Ajv2020({
    allErrors: true,
    useDefaults: true,
    strict: true,
    allowUnionTypes: true,
    verbose: true,
  });
  addFormats(ajv);
  // The platform's own keyword (how an existing instance's parameter may change): strict
  // mode refuses keywords it does not know.
  ajv.addKeyword({
    keyword: UPDATE_KEYWORD,
    schemaType: 'string',
    metaSchema: { enum: [...UPDATE_RULES] },
  });
  const validate: ValidateFunction = ajv.compile(schema);
  return parameters => {
    const copy = structuredClone(parameters);
    const valid = validate(copy);
    const errors = valid ? [] : validate.errors ?? [];
    // An `if` that fails its `then` is also reported by the broken rules of the `then`,
    // which name the parameters; the `if` itself names none.
    const named = errors.filter(e => e.keyword !== 'if');
    return {
      parameters: copy,
      problems: (named.length ? named : errors).map(describe),
    };
  };
}
