import { clusterNodes } from '../../../model/index.js';
import { parseXml, type XmlElement } from '../../../pacemaker/xml.js';
import { shq } from '../../../shell/posix.js';
import { commandFailure, type Probe } from '../../health.js';
import type { Inventory } from '../../inventory-schema.js';
import { type CrmMon, parseCrmMon } from '../crm-mon.js';
import {
  type FenceList,
  parseCrmVerify,
  parseFenceLists,
  parseIpAddresses,
  type VerifyResult,
} from '../readouts.js';

export const members = (inv: Inventory) => clusterNodes(inv).map((n) => n.name);

/** crm_mon on every member: each one's own view (a member whose pacemaker is down cannot answer). */
export const crmMonProbe: Probe<CrmMon> = {
  id: 'crm_mon',
  hosts: members,
  command: () => 'crm_mon --output-as=xml --inactive 2>&1',
  parse: (out) => parseCrmMon(out.stdout),
};

/** The live CIB, from the first member that answers. */
export const cibProbe: Probe<XmlElement> = {
  id: 'cibadmin',
  hosts: members,
  once: true,
  command: () => 'cibadmin -Q',
  parse(out) {
    const text = out.stdout.trim();
    if (out.exitCode !== 0 || !text.startsWith('<cib')) throw commandFailure(out, 'cibadmin -Q');
    return parseXml(text);
  },
};

export const crmVerifyProbe: Probe<VerifyResult> = {
  id: 'crm_verify',
  hosts: members,
  once: true,
  command: () => 'crm_verify -L -V 2>&1',
  parse: (out) => parseCrmVerify(out.stdout, out.exitCode),
};

/** stonith_admin --list for every member: the devices that can fence it. */
export const fenceListProbe: Probe<FenceList[]> = {
  id: 'stonith_admin',
  hosts: members,
  once: true,
  command: (inv) =>
    members(inv)
      .map((n) => `echo ${shq(`@@node ${n}`)}; stonith_admin --list ${shq(n)} 2>&1; echo "@@rc $?"`)
      .join('\n'),
  parse(out) {
    const lists = parseFenceLists(out.stdout);
    if (lists.every((l) => l.exitCode !== 0 && l.devices.length === 0))
      throw new Error(
        `stonith_admin failed: ${lists
          .flatMap((l) => l.other)
          .slice(0, 3)
          .join(' / ')}`,
      );
    return lists;
  },
};

export const addressesProbe: Probe<{ address: string; prefix: number; dev: string }[]> = {
  id: 'ip-addr',
  hosts: members,
  become: false,
  command: () => 'ip -o addr show',
  parse(out) {
    if (out.exitCode !== 0) throw commandFailure(out, 'ip -o addr show');
    return parseIpAddresses(out.stdout);
  },
};

/** Elements under `el` (any depth) called `name`. */
export function descendants(el: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement) => {
    for (const c of e.children) {
      if (c.name === name) out.push(c);
      walk(c);
    }
  };
  walk(el);
  return out;
}

/** nvpairs of the CIB's cluster property sets: name → value. */
export function clusterProperties(cib: XmlElement): Map<string, string> {
  const out = new Map<string, string>();
  const config = cib.children.find((c) => c.name === 'configuration');
  const crm = config?.children.find((c) => c.name === 'crm_config');
  for (const set of crm?.children ?? [])
    for (const nv of set.children)
      if (nv.name === 'nvpair' && nv.attrs.name !== undefined && !out.has(nv.attrs.name))
        out.set(nv.attrs.name, nv.attrs.value ?? '');
  return out;
}

/** The CIB's STONITH primitives with their instance attributes. */
export function stonithDevices(cib: XmlElement): { id: string; type: string; params: Map<string, string> }[] {
  const config = cib.children.find((c) => c.name === 'configuration');
  if (!config) return [];
  return descendants(config, 'primitive')
    .filter((p) => p.attrs.class === 'stonith')
    .map((p) => {
      const params = new Map<string, string>();
      for (const ia of p.children.filter((c) => c.name === 'instance_attributes'))
        for (const nv of ia.children)
          if (nv.name === 'nvpair' && nv.attrs.name) params.set(nv.attrs.name, nv.attrs.value ?? '');
      return { id: p.attrs.id ?? '', type: p.attrs.type ?? '', params };
    });
}
