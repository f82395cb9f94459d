import { useApi } from '@backstage/core-plugin-api';
import { useEffect, useState } from 'react';
import type { TenantStatus } from '@kaas-platform/plugin-kaas-common';
import { kaasApiRef } from '../../api/KaasApi';
import { mapConcurrently } from './mapConcurrently';

/** How many tenant statuses are fetched at once for the list. */
const STATUS_CONCURRENCY = 4;

/** A tenant's phase as the list shows it. */
export type TenantPhase =
  | { phase: TenantStatus['phase']; ready: boolean; drifted: boolean }
  | { error: Error };

/** The phase of each named tenant, filled in as the statuses arrive (a few at a time). */
export function useTenantPhases(
  tenants: string[] | undefined,
): Record<string, TenantPhase> {
  const kaasApi = useApi(kaasApiRef);
  const [phases, setPhases] = useState<Record<string, TenantPhase>>({});
  const key = tenants?.join(',');

  useEffect(() => {
    if (!tenants?.length) return undefined;
    let active = true;
    setPhases({});
    mapConcurrently(
      tenants,
      STATUS_CONCURRENCY,
      tenant => kaasApi.getTenantStatus(tenant),
      (tenant, result) => {
        if (!active) return;
        setPhases(previous => ({
          ...previous,
          [tenant]:
            'value' in result
              ? {
                  phase: result.value.phase,
                  ready: result.value.ready,
                  // Older backends send no drift.
                  drifted: result.value.drift?.status === 'True',
                }
              : { error: result.error },
        }));
      },
    );
    return () => {
      active = false;
    };
    // `key` stands for the list's content; a new array with the same names is no change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [kaasApi, key]);
  return phases;
}
