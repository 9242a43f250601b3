import { describe, expect, it } from 'vitest';
import {
  changedResources,
  configurationText,
  desiredCib,
  removedResources,
  sameConfiguration,
} from '../../src/pacemaker/cib-merge.js';
import { canonicalXml, findChild, parseXml, serializeXml } from '../../src/pacemaker/xml.js';
import { at, byId, DESIRED_TEXT, desired, ids, live, nvpairs } from './cib-helpers.js';

describe('desiredCib: the rest of the CIB', () => {
  it('keeps the root attributes and the whole status section', () => {
    const l = live();
    const merged = desiredCib(l, desired());
    expect(merged.attrs).toEqual(l.attrs);
    expect(Object.keys(merged.attrs)).toEqual(Object.keys(l.attrs));
    expect(serializeXml(at(merged, 'status'))).toBe(serializeXml(at(l, 'status')));
    expect(merged.children.map((c) => c.name)).toEqual(['configuration', 'status']);
  });

  it('changes neither input and shares nothing with them', () => {
    const l = live();
    const d = desired();
    const merged = desiredCib(l, d);
    at(merged, 'status').children = [];
    at(merged, 'configuration', 'resources').children = [];
    merged.attrs.epoch = '99';
    expect(serializeXml(l)).toBe(serializeXml(live()));
    expect(serializeXml(d)).toBe(serializeXml(desired()));
  });

  it('writes the sections in schema order', () => {
    const d = desired();
    d.children.push(parseXml('<op_defaults><meta_attributes id="op-o"/></op_defaults>'));
    d.children.push(
      parseXml(
        '<fencing-topology><fencing-level id="fl-1" target="node1" index="1" devices="fence-sandbox"/></fencing-topology>',
      ),
    );
    d.children.reverse();
    expect(at(desiredCib(live(), d), 'configuration').children.map((c) => c.name)).toEqual([
      'crm_config',
      'nodes',
      'resources',
      'constraints',
      'fencing-topology',
      'rsc_defaults',
      'op_defaults',
    ]);
  });

  it('replaces the resources with the desired ones', () => {
    const merged = desiredCib(live(), desired());
    expect(canonicalXml(at(merged, 'configuration', 'resources'))).toBe(
      canonicalXml(at(desired(), 'resources')),
    );
    expect(ids(at(merged, 'configuration', 'resources'))).not.toContain('old-web');
  });

  it('takes rsc_defaults from desired and drops op_defaults desired does not have', () => {
    const conf = at(desiredCib(live(), desired()), 'configuration');
    expect(nvpairs(at(conf, 'rsc_defaults', 'meta_attributes'))).toEqual([
      'rsc_defaults-meta_attributes-resource-stickiness resource-stickiness=100',
    ]);
    expect(findChild(conf, 'op_defaults')).toBeUndefined();
  });

  it('keeps an empty resources and constraints section when desired has none', () => {
    const conf = at(desiredCib(live(), parseXml('<configuration/>')), 'configuration');
    expect(conf.children.map((c) => c.name)).toEqual(['crm_config', 'nodes', 'resources', 'constraints']);
    expect(at(conf, 'resources').children).toEqual([]);
    expect(ids(at(conf, 'constraints'))).toEqual(['cli-ban-vip-on-node3']);
  });

  it('takes the desired constraints and keeps the live cli- ones, dropping other live ones', () => {
    const constraints = at(desiredCib(live(), desired()), 'configuration', 'constraints');
    expect(ids(constraints)).toEqual([
      'colocation-vip-haproxy-clone-INFINITY',
      'order-haproxy-clone-vip-Mandatory',
      'cli-ban-vip-on-node3',
    ]);
    expect(constraints.children[2]!.attrs).toEqual({
      id: 'cli-ban-vip-on-node3',
      rsc: 'vip',
      role: 'Started',
      node: 'node3',
      score: '-INFINITY',
    });
  });

  it('keeps sections hakit does not render (alerts) from live unless desired has them', () => {
    const l = live();
    at(l, 'configuration').children.push(
      parseXml('<alerts><alert id="mail" path="/usr/local/bin/alert.sh"/></alerts>'),
    );
    expect(ids(at(desiredCib(l, desired()), 'configuration', 'alerts'))).toEqual(['mail']);
    const d = desired();
    d.children.push(
      parseXml('<alerts><alert id="snmp" path="/usr/share/pacemaker/alerts/alert_snmp.sh"/></alerts>'),
    );
    expect(ids(at(desiredCib(l, d), 'configuration', 'alerts'))).toEqual(['snmp']);
  });

  it('shows nvpair values as they are (no masking)', () => {
    const d = desired();
    at(d, 'resources').children[0]!.children[0]!.children.push(
      parseXml(
        '<nvpair id="fence-sandbox-instance_attributes-password" name="password" value="s3cr&quot;t"/>',
      ),
    );
    expect(configurationText(desiredCib(live(), d))).toContain('value="s3cr&quot;t"');
  });

  it('accepts a full CIB as the desired configuration and rejects other elements', () => {
    const once = desiredCib(live(), desired());
    expect(sameConfiguration(desiredCib(live(), once), once)).toBe(true);
    expect(() => desiredCib(at(live(), 'configuration'), desired())).toThrow(/<cib>/);
    expect(() => desiredCib(live(), at(desired(), 'resources'))).toThrow(/<configuration>/);
  });
});

describe('sameConfiguration', () => {
  it('is idempotent: merging into the merged CIB changes nothing', () => {
    const once = desiredCib(live(), desired());
    const twice = desiredCib(once, desired());
    expect(sameConfiguration(once, twice)).toBe(true);
    expect(serializeXml(twice)).toBe(serializeXml(once));
    expect(sameConfiguration(live(), once)).toBe(false);
  });

  it('ignores attribute order and the status section, not child order', () => {
    const a = live();
    const b = live();
    const vip = byId(at(b, 'configuration', 'resources'), 'vip')!;
    vip.attrs = { type: 'IPaddr2', provider: 'heartbeat', class: 'ocf', id: 'vip' };
    at(b, 'status').children = [];
    expect(sameConfiguration(a, b)).toBe(true);
    at(b, 'configuration', 'nodes').children.reverse();
    expect(sameConfiguration(a, b)).toBe(false);
  });
});

describe('removedResources and changedResources', () => {
  it('finds the live resource desired no longer has', () => {
    const merged = desiredCib(live(), desired());
    expect(removedResources(live(), merged)).toEqual(['old-web']);
    expect(removedResources(merged, merged)).toEqual([]);
  });

  it('does not count a primitive moved into a group as removed', () => {
    const d = desired();
    const resources = at(d, 'resources');
    const vip = byId(resources, 'vip')!;
    resources.children = resources.children.filter((r) => r !== vip);
    resources.children.push({ name: 'group', attrs: { id: 'g' }, children: [vip] });
    const merged = desiredCib(live(), d);
    expect(removedResources(live(), merged)).toEqual(['old-web']);
    expect(changedResources(live(), merged)).toEqual(['g']);
  });

  it('lists added resources and those whose XML differs, not attribute-order-only differences', () => {
    // Live vip has cidr_netmask 16 (desired 24); live haproxy lists its attributes in another order.
    const d = desired();
    at(d, 'resources').children.push(parseXml('<primitive id="web" class="systemd" type="nginx"/>'));
    expect(changedResources(live(), desiredCib(live(), d))).toEqual(['vip', 'web']);
  });
});

describe('configurationText', () => {
  it('prints only the configuration, 2-space indented, ending in a newline', () => {
    const text = configurationText(desiredCib(live(), desired()));
    expect(
      text.startsWith(
        '<configuration>\n  <crm_config>\n    <cluster_property_set id="cib-bootstrap-options">\n',
      ),
    ).toBe(true);
    expect(text.endsWith('</configuration>\n')).toBe(true);
    expect(text).not.toContain('<status');
    expect(text).toContain('    <node id="2" uname="node2">\n      <instance_attributes id="nodes-2">\n');
    expect(configurationText(desired())).toBe(
      `${DESIRED_TEXT.slice(DESIRED_TEXT.indexOf('\n') + 1).trimEnd()}\n`,
    );
  });
});
