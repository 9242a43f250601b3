import { describe, expect, it } from 'vitest';
import { desiredCib } from '../../src/pacemaker/cib-merge.js';
import { canonicalXml, findChild, parseXml } from '../../src/pacemaker/xml.js';
import { at, bootstrap, desired, ids, live, node, nvpairs, properties } from './cib-helpers.js';

describe('desiredCib: crm_config', () => {
  it('keeps Pacemaker-owned properties, takes desired ones (with the live id), drops live-only ones', () => {
    expect(properties(desiredCib(live(), desired()))).toEqual([
      'have-watchdog cib-bootstrap-options-have-watchdog=false',
      'dc-version cib-bootstrap-options-dc-version=2.1.5-a3f44794f94',
      'cluster-infrastructure cib-bootstrap-options-cluster-infrastructure=corosync',
      'cluster-name cib-bootstrap-options-cluster-name=hakit-sandbox',
      'stonith-enabled cib-bootstrap-options-stonith-enabled=true',
      // stonith-timeout (live only) is gone
      'last-lrm-refresh cib-bootstrap-options-last-lrm-refresh=1717495980',
      'no-quorum-policy cib-bootstrap-options-no-quorum-policy=stop',
    ]);
  });

  it('keeps the live nvpair id when the desired one for the same name has another', () => {
    const l = live();
    const nv = bootstrap(l).children.find((c) => c.attrs.name === 'stonith-enabled')!;
    nv.attrs.id = 'cib-bootstrap-options-stonith-enabled.legacy';
    const got = bootstrap(desiredCib(l, desired())).children.find((c) => c.attrs.name === 'stonith-enabled')!;
    expect(got.attrs).toEqual({
      id: 'cib-bootstrap-options-stonith-enabled.legacy',
      name: 'stonith-enabled',
      value: 'true',
    });
  });

  it('ignores Pacemaker-owned properties in desired', () => {
    const d = desired();
    bootstrap(d).children.push(
      {
        name: 'nvpair',
        attrs: { id: 'x-have-watchdog', name: 'have-watchdog', value: 'true' },
        children: [],
      },
      { name: 'nvpair', attrs: { id: 'x-dc-version', name: 'dc-version', value: '9.9' }, children: [] },
    );
    const l = live();
    bootstrap(l).children = bootstrap(l).children.filter((nv) => nv.attrs.name !== 'dc-version');
    const props = properties(desiredCib(l, d));
    expect(props).toContain('have-watchdog cib-bootstrap-options-have-watchdog=false');
    expect(props.some((p) => p.startsWith('dc-version'))).toBe(false);
  });

  it('keeps the live cluster-name when desired does not set it, replaces it when it does', () => {
    const d = desired();
    bootstrap(d).children = bootstrap(d).children.filter((nv) => nv.attrs.name !== 'cluster-name');
    expect(properties(desiredCib(live(), d))).toContain(
      'cluster-name cib-bootstrap-options-cluster-name=hakit-sandbox',
    );
    const renamed = desired();
    bootstrap(renamed).children.find((nv) => nv.attrs.name === 'cluster-name')!.attrs.value = 'prod';
    expect(properties(desiredCib(live(), renamed))).toContain(
      'cluster-name cib-bootstrap-options-cluster-name=prod',
    );
  });

  it('takes the other property sets from desired and drops live-only ones', () => {
    const l = live();
    at(l, 'configuration', 'crm_config').children.push(parseXml('<cluster_property_set id="live-extra"/>'));
    const d = desired();
    at(d, 'crm_config').children.push(
      parseXml(
        '<cluster_property_set id="hakit-extra"><nvpair id="e1" name="batch-limit" value="30"/></cluster_property_set>',
      ),
    );
    expect(ids(at(desiredCib(l, d), 'configuration', 'crm_config'))).toEqual([
      'cib-bootstrap-options',
      'hakit-extra',
    ]);
  });

  it('keeps the Pacemaker-owned properties when desired has no bootstrap set', () => {
    const d = desired();
    at(d, 'crm_config').children = [];
    expect(properties(desiredCib(live(), d)).map((p) => p.split(' ')[0])).toEqual([
      'have-watchdog',
      'dc-version',
      'cluster-infrastructure',
      'cluster-name',
      'last-lrm-refresh',
    ]);
  });
});

describe('desiredCib: nodes', () => {
  it('keeps live nodes and their attributes (standby on node2)', () => {
    const nodes = at(desiredCib(live(), desired()), 'configuration', 'nodes');
    expect(canonicalXml(nodes)).toBe(canonicalXml(at(live(), 'configuration', 'nodes')));
    expect(nvpairs(findChild(node(desiredCib(live(), desired()), 'node2'), 'instance_attributes'))).toEqual([
      'nodes-2-standby standby=on',
    ]);
  });

  it('sets desired node attributes on the live node, by name, creating the set when absent', () => {
    const d = desired();
    const nodes = at(d, 'nodes');
    nodes.children[1] = parseXml(
      '<node id="2" uname="node2"><instance_attributes id="nodes-2"><nvpair id="nodes-2-site" name="site" value="dc1"/><nvpair id="nodes-2-standby-x" name="standby" value="off"/></instance_attributes></node>',
    );
    nodes.children[2] = parseXml(
      '<node id="3" uname="node3"><instance_attributes id="nodes-3"><nvpair id="nodes-3-site" name="site" value="dc2"/></instance_attributes></node>',
    );
    const merged = desiredCib(live(), d);
    expect(nvpairs(findChild(node(merged, 'node2'), 'instance_attributes'))).toEqual([
      'nodes-2-standby standby=off',
      'nodes-2-site site=dc1',
    ]);
    expect(findChild(node(merged, 'node3'), 'instance_attributes')!.attrs.id).toBe('nodes-3');
    expect(nvpairs(findChild(node(merged, 'node3'), 'instance_attributes'))).toEqual([
      'nodes-3-site site=dc2',
    ]);
  });

  it('leaves live nvpairs desired does not mention', () => {
    const d = desired();
    at(d, 'nodes').children[1] = parseXml(
      '<node id="2" uname="node2"><instance_attributes id="nodes-2"><nvpair id="nodes-2-site" name="site" value="dc1"/></instance_attributes></node>',
    );
    expect(nvpairs(findChild(node(desiredCib(live(), d), 'node2'), 'instance_attributes'))).toEqual([
      'nodes-2-standby standby=on',
      'nodes-2-site site=dc1',
    ]);
  });

  it('sets the nvpairs in the live set even when the desired set has another id', () => {
    const d = desired();
    at(d, 'nodes').children[1] = parseXml(
      '<node id="2" uname="node2"><instance_attributes id="node2-instance_attributes"><nvpair id="node2-instance_attributes-site" name="site" value="dc1"/></instance_attributes></node>',
    );
    const sets = node(desiredCib(live(), d), 'node2').children;
    expect(sets.map((s) => s.attrs.id)).toEqual(['nodes-2']);
    expect(nvpairs(sets[0])).toEqual([
      'nodes-2-standby standby=on',
      'node2-instance_attributes-site site=dc1',
    ]);
  });

  it('matches a desired node without uname by id, and adds nodes the cluster does not have', () => {
    const d = desired();
    at(d, 'nodes').children = [
      parseXml(
        '<node id="1"><instance_attributes id="nodes-1"><nvpair id="nodes-1-rack" name="rack" value="r7"/></instance_attributes></node>',
      ),
      parseXml('<node id="4" uname="node4"/>'),
    ];
    const merged = desiredCib(live(), d);
    expect(at(merged, 'configuration', 'nodes').children.map((n) => n.attrs.uname)).toEqual([
      'node1',
      'node2',
      'node3',
      'node4',
    ]);
    expect(nvpairs(findChild(node(merged, 'node1'), 'instance_attributes'))).toEqual([
      'nodes-1-rack rack=r7',
    ]);
  });
});
