import { primaryAddress, requireNode } from '../../model/index.js';
import { GALERA_CHECK_PORT } from '../galera/view.js';
import type { Inventory } from '../inventory-schema.js';

/**
 * The haproxy view model: the inventory turned into exactly what its template prints. Decisions (defaults, derived
 * addresses, ids) are made here, in typed code; the template only lays text out. Absent optional values are
 * `null` (templates are compiled strict). Secret fields hold secret references, printed with `{{secret ref}}`.
 */

/** HAProxy time: a bare number in the inventory means seconds (Pacemaker convention); haproxy reads ms. */
export function haproxyTime(d: string | number): string {
  if (typeof d === 'number') return `${d}s`;
  if (/^\d+$/.test(d)) return `${d}s`;
  return d.replace(/min$/, 'm');
}

export function haproxyView(inv: Inventory) {
  const h = inv.haproxy;
  if (!h) throw new Error('no haproxy section');
  const checkUser = inv.galera?.check_user ?? 'haproxy';
  return {
    global: { ...h.global },
    defaults: {
      mode: h.defaults.mode,
      retries: h.defaults.retries,
      timeouts: {
        connect: haproxyTime(h.defaults.timeouts.connect),
        client: haproxyTime(h.defaults.timeouts.client),
        server: haproxyTime(h.defaults.timeouts.server),
        check: haproxyTime(h.defaults.timeouts.check),
      },
    },
    stats: h.stats ? { bind: h.stats.bind, uri: h.stats.uri } : null,
    frontends: h.frontends.map((f) => ({
      name: f.name,
      binds: f.bind,
      mode: f.mode,
      log_option: f.mode === 'http' ? 'httplog' : 'tcplog',
      maxconn: f.maxconn ?? null,
      options: f.options,
      default_backend: f.default_backend,
    })),
    backends: h.backends.map((b) => {
      const ck = b.check;
      const lines: string[] = [];
      let port: number | null = ck.port ?? null;
      switch (ck.type) {
        case 'http':
          lines.push(`option httpchk GET ${ck.path}`, `http-check expect status ${ck.expect_status}`);
          break;
        case 'galera':
          port ??= GALERA_CHECK_PORT;
          lines.push('option httpchk', `http-check expect status ${ck.expect_status}`);
          break;
        case 'mysql':
          lines.push(`option mysql-check user ${checkUser}`);
          break;
        case 'tcp':
          break;
      }
      const checkArgs = [
        'check',
        ...(port !== null ? [`port ${port}`] : []),
        `inter ${haproxyTime(ck.inter)}`,
        `fall ${ck.fall}`,
        `rise ${ck.rise}`,
        ...(ck.fastinter !== undefined ? [`fastinter ${haproxyTime(ck.fastinter)}`] : []),
        ...(ck.observe
          ? [
              `observe ${ck.observe}`,
              ...(ck.error_limit !== undefined ? [`error-limit ${ck.error_limit}`] : []),
              ...(ck.on_error !== undefined ? [`on-error ${ck.on_error}`] : []),
            ]
          : []),
        // Galera (one writer at a time): a node marked DOWN (not Synced, draining for a restart, crashed) has its
        // client sessions cut at once, so clients reconnect to the next server instead of hanging on it.
        ...(ck.type === 'galera' ? ['on-marked-down shutdown-sessions'] : []),
      ].join(' ');
      return {
        name: b.name,
        mode: b.mode,
        balance: b.balance,
        check_lines: lines,
        options: b.options,
        servers: b.servers.map((s) => {
          const address = s.address ?? (s.node ? primaryAddress(requireNode(inv, s.node)) : null);
          if (!address) throw new Error(`haproxy server ${s.name} has neither address nor node`);
          const extra = [
            ...(s.weight !== undefined ? [`weight ${s.weight}`] : []),
            ...(s.backup ? ['backup'] : []),
          ];
          const host = address.includes(':') ? `[${address}]` : address;
          return { line: `server ${s.name} ${host}:${s.port} ${[checkArgs, ...extra].join(' ')}` };
        }),
      };
    }),
  };
}
