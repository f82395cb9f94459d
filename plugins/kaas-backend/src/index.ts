/**
 * REST API of the Kubernetes platform under /api/kaas.
 *
 * @packageDocumentation
 */
export { kaasPlugin as default } from './plugin';
