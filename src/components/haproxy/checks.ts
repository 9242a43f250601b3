import { didYouMean, type Findings, type PathKey } from '../../model/index.js';
import type { Inventory } from '../inventory-schema.js';

/** HAProxy: unique names, frontends that reach a backend of a compatible mode, servers that can be addressed. */
export function haproxyChecks(inv: Inventory, f: Findings): void {
  if (!inv.haproxy) return;
  const h = inv.haproxy;
  const backends = h.backends.map((b) => b.name);
  const dupe = (list: string[], path: PathKey[], what: string) => {
    const seen = new Set<string>();
    list.forEach((n, i) => {
      if (seen.has(n)) f.error([...path, i, 'name'], `duplicate ${what} "${n}"`);
      seen.add(n);
    });
  };
  dupe(
    h.frontends.map((fe) => fe.name),
    ['haproxy', 'frontends'],
    'frontend',
  );
  dupe(backends, ['haproxy', 'backends'], 'backend');
  h.frontends.forEach((fe, i) => {
    if (!backends.includes(fe.default_backend)) {
      const hint = didYouMean(fe.default_backend, backends);
      f.error(
        ['haproxy', 'frontends', i, 'default_backend'],
        `unknown backend "${fe.default_backend}"${hint ? ` — did you mean "${hint}"?` : ''}`,
      );
    }
    if (fe.mode === 'http' && h.backends.find((b) => b.name === fe.default_backend)?.mode === 'tcp')
      f.error(
        ['haproxy', 'frontends', i, 'mode'],
        `http frontend "${fe.name}" cannot use tcp backend "${fe.default_backend}"`,
      );
  });
  h.backends.forEach((b, i) => {
    if (b.check.type === 'http' && b.mode !== 'http' && b.check.path === undefined)
      f.warn(['haproxy', 'backends', i, 'check'], 'http check on a tcp backend');
    b.servers.forEach((sv, j) => {
      const p: PathKey[] = ['haproxy', 'backends', i, 'servers', j];
      if (sv.node) f.unknownNode(sv.node, [...p, 'node']);
      if (!sv.node && !sv.address) f.error(p, 'a server needs `node` or `address`');
    });
    if (b.check.observe === 'layer7' && b.mode !== 'http')
      f.error(
        ['haproxy', 'backends', i, 'check', 'observe'],
        'observe layer7 needs an http backend (mode: http)',
      );
    for (const k of ['error_limit', 'on_error'] as const)
      if (b.check.observe === undefined && b.check[k] !== undefined)
        f.warn(['haproxy', 'backends', i, 'check', k], `${k} does nothing without observe`);
    if (b.check.type === 'galera' && !inv.galera)
      f.error(['haproxy', 'backends', i, 'check', 'type'], 'galera check but no galera section');
  });
  if (inv.nodes.every((n) => !n.roles.includes('haproxy')))
    f.warn(['haproxy'], 'haproxy is configured but no node has the haproxy role');
}
