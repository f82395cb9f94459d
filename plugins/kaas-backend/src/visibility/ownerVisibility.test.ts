import { ConfigReader } from '@backstage/config';
import { readOwnerVisibility } from './ownerVisibility';

describe('readOwnerVisibility', () => {
  it('shows events and connection details to owners unless configured otherwise', () => {
    expect(readOwnerVisibility(new ConfigReader({}))).toEqual({
      events: 'owners',
      connectionDetails: 'owners',
    });
    expect(
      readOwnerVisibility(
        new ConfigReader({
          kaas: { visibility: { events: 'everyone' } },
        }),
      ),
    ).toEqual({ events: 'everyone', connectionDetails: 'owners' });
  });

  it('refuses an unknown value, naming the key', () => {
    expect(() =>
      readOwnerVisibility(
        new ConfigReader({
          kaas: { visibility: { connectionDetails: 'team' } },
        }),
      ),
    ).toThrow(
      "kaas.visibility.connectionDetails must be one of 'owners', 'everyone', not 'team'",
    );
  });
});
