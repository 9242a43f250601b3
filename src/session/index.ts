export { type DesiredStates, desiredStates, layoutOfFacts } from './desired-states.js';
export { HOST_LOCK_PATH, HostLockedError, type HostLocks, lockHosts, lockScript } from './host-lock.js';
export { INTERRUPT_GRACE_MS, type Interrupt, wireInterrupt } from './interrupt.js';
export { packageRoot } from './package-root.js';
export { openSession, type Session, type SessionOptions } from './session.js';
