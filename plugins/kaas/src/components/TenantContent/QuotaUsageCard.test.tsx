import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { QuotaUsageCard, quotaLevel } from './QuotaUsageCard';

describe('QuotaUsageCard', () => {
  it('draws one bar per resource, named with what is used of what is allowed', async () => {
    await renderInTestApp(
      <QuotaUsageCard
        quotas={[
          {
            name: 'kaas-quota',
            resources: [
              {
                resource: 'requests.cpu',
                used: '500m',
                hard: '2',
                fraction: 0.25,
              },
              { resource: 'pods', used: '17', hard: '20', fraction: 0.85 },
              {
                resource: 'requests.memory',
                used: '5Gi',
                hard: '4Gi',
                fraction: 1.25,
              },
            ],
          },
        ]}
      />,
    );
    const cpu = screen.getByRole('progressbar', {
      name: 'requests.cpu used 500m of 2',
    });
    expect(cpu).toHaveAttribute('aria-valuenow', '25');
    expect(cpu).toHaveAttribute('data-level', 'normal');
    expect(
      screen.getByRole('progressbar', { name: 'pods used 17 of 20' }),
    ).toHaveAttribute('data-level', 'warning');
    const memory = screen.getByRole('progressbar', {
      name: 'requests.memory used 5Gi of 4Gi',
    });
    expect(memory).toHaveAttribute('data-level', 'exhausted');
    expect(memory).toHaveAttribute('aria-valuenow', '100');
    expect(screen.getByText(/5Gi \/ 4Gi/)).toHaveTextContent('(125 %)');
  });

  it('says so when the tenant has no quota', async () => {
    await renderInTestApp(<QuotaUsageCard quotas={[]} />);
    expect(screen.getByText(/has no ResourceQuota/)).toBeInTheDocument();
  });

  it('turns to warning at 80 % and to exhausted at 100 %', () => {
    expect(quotaLevel(0.79)).toBe('normal');
    expect(quotaLevel(0.8)).toBe('warning');
    expect(quotaLevel(0.99)).toBe('warning');
    expect(quotaLevel(1)).toBe('exhausted');
  });
});
