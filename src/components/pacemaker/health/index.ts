import type { HealthCheck } from '../../health.js';
import { failedActionsCheck, leftoverConstraintsCheck, nodesCheck, resourcesCheck } from './cluster.js';
import { crmVerifyCheck, driftCheck, fenceDelayCheck, noQuorumPolicyCheck } from './config.js';
import { stonithCheck, vipCheck } from './fencing.js';

export const PACEMAKER_CHECKS: readonly HealthCheck[] = [
  nodesCheck,
  resourcesCheck,
  failedActionsCheck,
  leftoverConstraintsCheck,
  driftCheck,
  crmVerifyCheck,
  stonithCheck,
  vipCheck,
  noQuorumPolicyCheck,
  fenceDelayCheck,
];
