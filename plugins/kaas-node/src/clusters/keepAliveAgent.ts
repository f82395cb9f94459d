import https from 'node:https';
import {
  ServerConfiguration,
  createConfiguration,
  type Configuration,
  type KubeConfig,
  type RequestContext,
  type SecurityAuthentication,
} from '@kubernetes/client-node';
import { clusterHttpLibrary } from './clusterHttpLibrary';

/** A cluster's shared agent is replaced this often, so a rotated CA or client certificate is picked up. */
const AGENT_TTL_MS = 60_000;
/** Idle connections are closed after this long. */
const IDLE_SOCKET_MS = 30_000;

const agents = new WeakMap<
  object,
  { agent: Promise<https.Agent>; expires: number }
>();

async function tlsAgent(kubeConfig: KubeConfig): Promise<https.Agent> {
  const options: https.RequestOptions = {};
  await kubeConfig.applyToHTTPSOptions(options);
  const cluster = kubeConfig.getCurrentCluster();
  return new https.Agent({
    ca: options.ca,
    cert: options.cert,
    key: options.key,
    pfx: options.pfx,
    passphrase: options.passphrase,
    rejectUnauthorized: cluster?.skipTLSVerify
      ? false
      : options.rejectUnauthorized,
    servername: cluster?.tlsServerName,
    keepAlive: true,
    timeout: IDLE_SOCKET_MS,
  });
}

function sharedAgent(
  owner: object,
  kubeConfig: KubeConfig,
): Promise<https.Agent> {
  const cached = agents.get(owner);
  if (cached && cached.expires > Date.now()) return cached.agent;
  const agent = tlsAgent(kubeConfig);
  agents.set(owner, { agent, expires: Date.now() + AGENT_TTL_MS });
  agent.catch(() => agents.delete(owner));
  return agent;
}

/** The cluster's own authentication (token, client certificate, exec), over the shared agent. */
class KeepAliveAuthentication implements SecurityAuthentication {
  constructor(
    private readonly kubeConfig: KubeConfig,
    private readonly agent: () => Promise<https.Agent>,
  ) {}

  getName(): string {
    return 'default';
  }

  async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await this.kubeConfig.applySecurityAuthentication(context);
    context.setAgent(await this.agent());
  }
}

/**
 * The client configuration for the API server of `kubeConfig` whose requests reuse TLS
 * connections through one agent per `owner` (a cluster): client-node gives every request
 * a new agent, so each one pays a TLS handshake (about 4 ms of the 5.5 ms a request
 * takes against the local control plane). Clusters reached through a proxy keep
 * client-node's own per-request agent. Requests go through {@link clusterHttpLibrary}
 * (429 waited out, safe requests sent again, errors that name `clusterName`).
 */
export function keepAliveConfiguration(
  owner: object,
  kubeConfig: KubeConfig,
  clusterName: string,
): Configuration {
  const current = kubeConfig.getCurrentCluster();
  if (!current) throw new Error('The kubeconfig names no current cluster');
  const authentication: SecurityAuthentication = current.proxyUrl
    ? kubeConfig
    : new KeepAliveAuthentication(kubeConfig, () =>
        sharedAgent(owner, kubeConfig),
      );
  return createConfiguration({
    baseServer: new ServerConfiguration(current.server, {}),
    authMethods: { default: authentication },
    httpApi: clusterHttpLibrary(clusterName),
  });
}
