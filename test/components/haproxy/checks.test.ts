import { describe, expect, it } from 'vitest';
import { haproxyChecks } from '../../../src/components/haproxy/checks.js';
import { findings, inventory } from '../support/inventory.js';

const nodes = [
  { name: 'n1', links: ['10.0.0.1'], roles: ['pacemaker', 'haproxy'] },
  { name: 'n2', links: ['10.0.0.2'], roles: ['pacemaker', 'haproxy'] },
];
const app = { name: 'app', servers: [{ name: 's1', node: 'n1', port: 8080 }] };
const front = { name: 'front', bind: ['*:80'], default_backend: 'app' };

describe('haproxy checks', () => {
  it('accepts a frontend that reaches a backend of node servers', () => {
    expect(
      findings(haproxyChecks, inventory({ nodes, haproxy: { frontends: [front], backends: [app] } })),
    ).toEqual([]);
  });

  it('names an unknown backend with a suggestion, and servers that cannot be addressed', () => {
    const inv = inventory({
      nodes,
      haproxy: {
        frontends: [{ ...front, default_backend: 'apq' }],
        backends: [{ ...app, check: { type: 'galera' }, servers: [{ name: 's', port: 1 }] }],
      },
    });
    expect(findings(haproxyChecks, inv)).toEqual([
      'error haproxy.frontends.0.default_backend: unknown backend "apq" — did you mean "app"?',
      'error haproxy.backends.0.servers.0: a server needs `node` or `address`',
      'error haproxy.backends.0.check.type: galera check but no galera section',
    ]);
  });

  it('rejects an http frontend on a tcp backend and warns when no node has the haproxy role', () => {
    const inv = inventory({ haproxy: { frontends: [{ ...front, mode: 'http' }], backends: [app, app] } });
    expect(findings(haproxyChecks, inv)).toEqual([
      'error haproxy.backends.1.name: duplicate backend "app"',
      'error haproxy.frontends.0.mode: http frontend "front" cannot use tcp backend "app"',
      'warning haproxy: haproxy is configured but no node has the haproxy role',
    ]);
  });

  it('rejects observe layer7 on a tcp backend and warns about error settings without observe', () => {
    const inv = inventory({
      nodes,
      haproxy: {
        frontends: [front],
        backends: [
          { ...app, check: { observe: 'layer7', on_error: 'mark-down' } },
          { ...app, name: 'b2', check: { error_limit: 1, on_error: 'mark-down' } },
          { ...app, name: 'b3', check: { observe: 'layer4', error_limit: 1, on_error: 'mark-down' } },
        ],
      },
    });
    expect(findings(haproxyChecks, inv)).toEqual([
      'error haproxy.backends.0.check.observe: observe layer7 needs an http backend (mode: http)',
      'warning haproxy.backends.1.check.error_limit: error_limit does nothing without observe',
      'warning haproxy.backends.1.check.on_error: on_error does nothing without observe',
    ]);
  });
});
