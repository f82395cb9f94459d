import { dns1123LabelProblem } from './clusterName';

describe('dns1123LabelProblem', () => {
  it.each([
    ['local', undefined],
    ['a', undefined],
    ['team-a-01', undefined],
    ['', 'must not be empty'],
    ['Local', 'must be lower case'],
    ['-local', 'must start and end with a letter or digit'],
    ['local-', 'must start and end with a letter or digit'],
    ['lo_cal', 'may contain only lower-case letters, digits and dashes'],
    ['a'.repeat(64), 'is 64 characters long; the limit is 63'],
  ])('%j -> %j', (name, problem) => {
    expect(dns1123LabelProblem(name)).toBe(problem);
  });
});
