import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '@internal/kaas-test-cluster';
import yaml from 'yaml';

// The catalog module generates a template for every capability (its own tests cover
// them). A hand-written XaaS template in templates/xaas replaces the generated one of the
// capability it names and repeats that capability's parameter schema as form fields, so
// the form can check input before the task runs. This test keeps the two the same: the
// capability's JSON Schema in app-config.yaml is the source, the template adds only
// presentation (titles, descriptions, ui:* options).

const TEMPLATES_DIR = path.join(REPO_ROOT, 'templates/xaas');
/**
 * Keys that only change how a field looks, not what it accepts; and the platform's
 * `x-kaas-*` keywords, which say how an existing instance may change (the creating form
 * has no use for them).
 */
const PRESENTATION_KEY =
  /^(title|description|examples|\$comment|ui:.*|x-kaas-.*)$/;

type JsonObject = Record<string, any>;

function readYaml(file: string): JsonObject {
  return yaml.parse(fs.readFileSync(file, 'utf8'));
}

function capabilitiesOf(appConfigFile: string): Record<string, JsonObject> {
  return readYaml(appConfigFile).kaas?.capabilities ?? {};
}

function withoutPresentation(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutPresentation);
  if (schema === null || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key]) => !PRESENTATION_KEY.test(key))
      .map(([key, value]) => [
        key,
        // Under `properties` the keys are field names, never presentation.
        key === 'properties'
          ? Object.fromEntries(
              Object.entries(value as JsonObject).map(([k, v]) => [
                k,
                withoutPresentation(v),
              ]),
            )
          : withoutPresentation(value),
      ]),
  );
}

const templateFiles = fs.existsSync(TEMPLATES_DIR)
  ? fs
      .readdirSync(TEMPLATES_DIR)
      .filter(f => f.endsWith('.yaml'))
      .sort()
  : [];
const allTemplates = templateFiles.map(file => ({
  file,
  template: readYaml(path.join(TEMPLATES_DIR, file)),
}));
/** The templates that create an instance of one capability (update.yaml changes any). */
const templates = allTemplates.filter(({ template }) =>
  (template.spec?.steps ?? []).some(
    (s: JsonObject) => s.action === 'xaas:instance:create',
  ),
);
const capabilities = capabilitiesOf(path.join(REPO_ROOT, 'app-config.yaml'));

/** The steps, form fields and settings of an XaaS template, found by their roles. */
function anatomy(template: JsonObject) {
  const steps: JsonObject[] = template.spec?.steps ?? [];
  const pages: JsonObject[] = template.spec?.parameters ?? [];
  const fields: Record<string, JsonObject> = Object.assign(
    {},
    ...pages.map(page => page.properties ?? {}),
  );
  const create = steps.find(s => s.action === 'xaas:instance:create');
  return {
    steps,
    pages,
    fields,
    create,
    capability: create?.input?.capability as string | undefined,
    settings: fields.settings,
  };
}

describe('XaaS templates in templates/xaas, against kaas.capabilities of app-config.yaml', () => {
  it('has hand-written templates only as overrides of capabilities app-config.yaml ships, named and annotated for the capability', () => {
    expect(Object.keys(capabilities).length).toBeGreaterThan(0);
    // postgresql.yaml is the documented example of an override.
    expect(templates.map(t => t.file)).toContain('postgresql.yaml');
    for (const { file, template } of templates) {
      const { capability } = anatomy(template);
      expect({
        file,
        capability: capabilities[capability!] ? capability : undefined,
      }).toEqual({
        file,
        capability: expect.any(String),
      });
      // The name the Create page links to, and the mark that makes the generated one step aside.
      expect(template.metadata.name).toBe(`xaas-${capability}`);
      expect(template.metadata.annotations?.['kaas.internal/capability']).toBe(
        capability,
      );
    }
  });

  it('registers every XaaS template in templates/templates.yaml', () => {
    const targets: string[] = readYaml(
      path.join(REPO_ROOT, 'templates/templates.yaml'),
    ).spec.targets;
    for (const { file } of allTemplates) {
      expect(targets).toContain(`./xaas/${file}`);
    }
  });

  describe.each(templates.map(t => [t.file, t.template]))(
    '%s',
    (file, template) => {
      const { steps, fields, create, capability, settings } = anatomy(template);
      /** The capability the template offers, as app-config.yaml configures it. */
      const configured = (): JsonObject => {
        if (!capability || !capabilities[capability]) {
          throw new Error(
            `${file} offers capability '${capability}', but app-config.yaml has no kaas.capabilities.${capability}; add the capability or remove the template`,
          );
        }
        return capabilities[capability];
      };

      it('fixes the capability in an xaas:instance:create step, followed by xaas:instance:wait', () => {
        expect(create).toBeDefined();
        configured();
        const wait = steps.findIndex(s => s.action === 'xaas:instance:wait');
        expect(wait).toBeGreaterThan(steps.indexOf(create!));
        expect(create!.input).toEqual({
          tenant: '${{ parameters.tenant }}',
          capability,
          name: '${{ parameters.name }}',
          plan: '${{ parameters.plan }}',
          parameters: '${{ parameters.settings }}',
        });
        expect(steps[wait].input).toMatchObject({
          tenant: '${{ parameters.tenant }}',
          name: '${{ parameters.name }}',
        });
      });

      it('lets the user pick one of their tenants and a plan of the capability', () => {
        expect(fields.tenant).toMatchObject({
          type: 'string',
          'ui:field': 'KaasTenantPicker',
        });
        expect(fields.plan).toMatchObject({
          type: 'string',
          'ui:field': 'KaasPlanPicker',
          'ui:options': { capability },
        });
        expect(fields.name).toMatchObject({ type: 'string', maxLength: 40 });
      });

      it("offers exactly the capability's parameters, with the same rules", () => {
        const schema = configured().parameters as JsonObject;
        expect(settings).toMatchObject({ type: 'object' });
        expect(Object.keys(settings.properties).sort()).toEqual(
          Object.keys(schema.properties).sort(),
        );
        for (const [key, property] of Object.entries(schema.properties)) {
          expect({
            [key]: withoutPresentation(settings.properties[key]),
          }).toEqual({ [key]: withoutPresentation(property) });
        }
        // The plan fills the required parameters; the form must not insist on them.
        expect(settings.required).toBeUndefined();
        expect(settings.additionalProperties).toBe(schema.additionalProperties);
      });

      it("links to the instance's catalog entity", () => {
        expect(template.spec.output.links).toContainEqual(
          expect.objectContaining({
            entityRef: `\${{ steps.${create!.id}.output.entityRef }}`,
          }),
        );
      });
    },
  );

  describe('update.yaml, the template that changes an existing instance', () => {
    const update = allTemplates.find(t => t.file === 'update.yaml')?.template;
    const { steps, fields } = anatomy(update ?? {});

    it('runs xaas:instance:update with the form, then xaas:instance:wait', () => {
      expect(update).toBeDefined();
      expect(steps.map(s => s.action)).toEqual([
        'xaas:instance:update',
        'xaas:instance:wait',
      ]);
      expect(steps[0].input).toEqual({
        tenant: '${{ parameters.tenant }}',
        capability: '${{ parameters.capability }}',
        name: '${{ parameters.name }}',
        plan: '${{ parameters.plan }}',
        parameters: '${{ parameters.settings }}',
      });
    });

    it("keeps the instance's capability and name as the Instance tab fills them in, and offers the capability's plans", () => {
      expect(fields.capability).toMatchObject({ 'ui:readonly': true });
      expect(fields.name).toMatchObject({ 'ui:readonly': true });
      // No fixed capability: the plan picker reads the form's capability field.
      expect(fields.plan).toEqual(
        expect.objectContaining({ 'ui:field': 'KaasPlanPicker' }),
      );
      expect(fields.plan['ui:options']?.capability).toBeUndefined();
    });
  });
});
