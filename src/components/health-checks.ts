import { CHRONY_CHECKS } from './chrony/health.js';
import { COROSYNC_CHECKS } from './corosync/health.js';
import { GALERA_CHECKS } from './galera/health.js';
import { HAPROXY_CHECKS } from './haproxy/health.js';
import type { HealthCheck } from './health.js';
import { PACEMAKER_CHECKS } from './pacemaker/health/index.js';

/** Every health check `hakit verify` knows, in report order (each component's declared in its folder). */
export const HEALTH_CHECKS: readonly HealthCheck[] = [
  ...COROSYNC_CHECKS,
  ...PACEMAKER_CHECKS,
  ...GALERA_CHECKS,
  ...HAPROXY_CHECKS,
  ...CHRONY_CHECKS,
];
