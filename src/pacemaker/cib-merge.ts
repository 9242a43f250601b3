import { canonicalXml, cloneXml, findChild, serializeXml, type XmlElement } from './xml.js';

/**
 * Merges the CIB configuration hakit renders into the live CIB. hakit owns the resources, the constraints, the
 * defaults, the fencing topology and the cluster properties it sets; Pacemaker owns the status section, the
 * node list and a few cluster properties; operators own node attributes (standby, maintenance) and the `cli-`
 * constraints `crm_resource --move/--ban` leave behind. Pure: no I/O, nothing masked (the caller masks secrets).
 */

/** Cluster properties Pacemaker writes itself: always kept from the live CIB, never taken from the desired one. */
export const PACEMAKER_OWNED_PROPERTIES: readonly string[] = [
  'dc-version',
  'cluster-infrastructure',
  'have-watchdog',
  'last-lrm-refresh',
];

const OWNED = new Set(PACEMAKER_OWNED_PROPERTIES);
const BOOTSTRAP = 'cib-bootstrap-options';
/** Elements that are resources (top level of `<resources>`, or inside a group, clone, master or bundle). */
const RESOURCE_ELEMENTS = new Set(['primitive', 'group', 'clone', 'master', 'bundle']);
/** Sections taken wholly from the desired configuration, in the order they are written after the constraints. */
const WHOLE_SECTIONS = ['fencing-topology', 'rsc_defaults', 'op_defaults'];
const HAKIT_SECTIONS = new Set(['crm_config', 'nodes', 'resources', 'constraints', ...WHOLE_SECTIONS]);
/** Name/value sets of a `<node>` that the desired configuration may set (merged by nvpair name). */
const NODE_SETS = new Set(['instance_attributes', 'utilization']);

const element = (
  name: string,
  attrs: Record<string, string> = {},
  children: XmlElement[] = [],
): XmlElement => ({
  name,
  attrs,
  children,
});

/**
 * The full CIB to push: `live` (root attributes, status, nodes, Pacemaker-owned properties, `cli-` constraints,
 * sections hakit does not render such as alerts, acls, tags) with what hakit owns taken from `desiredConfig`
 * (a `<configuration>`, or a `<cib>` holding one). Neither argument is modified; the result shares nothing with them.
 */
export function desiredCib(live: XmlElement, desiredConfig: XmlElement): XmlElement {
  if (live.name !== 'cib') throw new Error(`the live CIB must be a <cib> element, not <${live.name}>`);
  const desired = configurationOf(desiredConfig);
  const current = configurationOf(live);
  const liveSection = (name: string) => findChild(current, name);
  const desiredSection = (name: string) => findChild(desired, name);

  const sections: XmlElement[] = [
    mergeCrmConfig(liveSection('crm_config'), desiredSection('crm_config')),
    mergeNodes(liveSection('nodes'), desiredSection('nodes')),
    cloneOrEmpty(desiredSection('resources'), 'resources'),
    mergeConstraints(liveSection('constraints'), desiredSection('constraints')),
  ];
  for (const name of WHOLE_SECTIONS) {
    const section = desiredSection(name);
    if (section) sections.push(cloneXml(section));
  }
  // Sections hakit does not render (alerts, acls, tags…): the desired ones when given, else the live ones.
  const others = desired.children.filter((c) => !HAKIT_SECTIONS.has(c.name));
  const given = new Set(others.map((c) => c.name));
  others.push(...current.children.filter((c) => !HAKIT_SECTIONS.has(c.name) && !given.has(c.name)));
  sections.push(...others.map(cloneXml));

  const status = findChild(live, 'status');
  return element('cib', { ...live.attrs }, [
    element('configuration', { ...current.attrs }, sections),
    status ? cloneXml(status) : element('status'),
  ]);
}

/** The `configuration` sections of two CIBs are equal: same elements, attributes and child order (attribute order aside). */
export function sameConfiguration(a: XmlElement, b: XmlElement): boolean {
  return canonicalXml(configurationOf(a)) === canonicalXml(configurationOf(b));
}

/**
 * Ids of the top-level resources of `live` that `desired` no longer has anywhere in its resources (a primitive
 * moved into a group is not removed; the group shows in {@link changedResources}). In live order.
 */
export function removedResources(live: XmlElement, desired: XmlElement): string[] {
  const kept = new Set<string>();
  const collect = (el: XmlElement) => {
    for (const c of el.children)
      if (RESOURCE_ELEMENTS.has(c.name)) {
        if (c.attrs.id !== undefined) kept.add(c.attrs.id);
        collect(c);
      }
  };
  collect(resourcesOf(desired));
  return [...topResources(live).keys()].filter((id) => !kept.has(id));
}

/** Ids of the top-level resources of `desired` that `live` lacks or has with different XML. In desired order. */
export function changedResources(live: XmlElement, desired: XmlElement): string[] {
  const before = topResources(live);
  return [...topResources(desired)]
    .filter(([id, el]) => {
      const old = before.get(id);
      return !old || canonicalXml(old) !== canonicalXml(el);
    })
    .map(([id]) => id);
}

/** The `configuration` section pretty-printed (2 spaces, ending in a newline), for diffs shown to the operator. */
export function configurationText(cib: XmlElement): string {
  return `${serializeXml(configurationOf(cib))}\n`;
}

/** The `<configuration>` itself, or the one inside a `<cib>` (empty when the CIB has none). */
function configurationOf(el: XmlElement): XmlElement {
  if (el.name === 'configuration') return el;
  if (el.name === 'cib') return findChild(el, 'configuration') ?? element('configuration');
  throw new Error(`expected a <cib> or <configuration> element, not <${el.name}>`);
}

function resourcesOf(cib: XmlElement): XmlElement {
  return findChild(configurationOf(cib), 'resources') ?? element('resources');
}

function topResources(cib: XmlElement): Map<string, XmlElement> {
  const map = new Map<string, XmlElement>();
  for (const c of resourcesOf(cib).children)
    if (RESOURCE_ELEMENTS.has(c.name) && c.attrs.id !== undefined && !map.has(c.attrs.id))
      map.set(c.attrs.id, c);
  return map;
}

function cloneOrEmpty(el: XmlElement | undefined, name: string): XmlElement {
  return el ? cloneXml(el) : element(name);
}

/** A copy of the desired nvpair carrying `id` (the live one's, so an unchanged id keeps the diff small). */
function withId(nvpair: XmlElement, id: string | undefined): XmlElement {
  const copy = cloneXml(nvpair);
  if (id !== undefined) copy.attrs.id = id;
  return copy;
}

/** Property sets: the desired ones, `cib-bootstrap-options` merged with the live one. Live-only sets go. */
function mergeCrmConfig(live: XmlElement | undefined, desired: XmlElement | undefined): XmlElement {
  const isBootstrap = (c: XmlElement) => c.name === 'cluster_property_set' && c.attrs.id === BOOTSTRAP;
  const liveBootstrap = live?.children.find(isBootstrap);
  const sets: XmlElement[] = [];
  let merged = false;
  for (const set of desired?.children ?? []) {
    if (!isBootstrap(set)) sets.push(cloneXml(set));
    else if (!merged) {
      sets.push(mergeBootstrap(liveBootstrap, set));
      merged = true;
    }
  }
  if (!merged && liveBootstrap) sets.unshift(mergeBootstrap(liveBootstrap, undefined));
  return element('crm_config', { ...(desired ?? live)?.attrs }, sets);
}

/**
 * `cib-bootstrap-options`: live order kept; Pacemaker-owned nvpairs from live; desired nvpairs replace live ones
 * of the same name (keeping the live id) or are appended; `cluster-name` stays when desired does not set it;
 * other live nvpairs go. A Pacemaker-owned name in desired is ignored (Pacemaker writes it).
 */
function mergeBootstrap(live: XmlElement | undefined, desired: XmlElement | undefined): XmlElement {
  const wanted = new Map<string, XmlElement>();
  for (const nv of desired?.children ?? [])
    if (nv.name === 'nvpair' && nv.attrs.name !== undefined && !wanted.has(nv.attrs.name))
      wanted.set(nv.attrs.name, nv);
  // Rules and anything else but nvpairs come from desired.
  const children = (desired?.children ?? []).filter((c) => c.name !== 'nvpair').map(cloneXml);
  const seen = new Set<string>();
  for (const nv of live?.children ?? []) {
    const name = nv.attrs.name;
    if (nv.name !== 'nvpair' || name === undefined || seen.has(name)) continue;
    seen.add(name);
    const want = wanted.get(name);
    if (OWNED.has(name)) children.push(cloneXml(nv));
    else if (want) children.push(withId(want, nv.attrs.id));
    else if (name === 'cluster-name') children.push(cloneXml(nv));
  }
  for (const [name, nv] of wanted) if (!seen.has(name) && !OWNED.has(name)) children.push(cloneXml(nv));
  return element('cluster_property_set', { ...(desired ?? live)?.attrs }, children);
}

/**
 * Live nodes stay as they are (Pacemaker creates them; operators set standby and maintenance there). A desired
 * node (matched by uname, else id) sets its instance_attributes/utilization nvpairs on the live node, by name;
 * live nvpairs it does not mention stay. A desired node the cluster does not have is added as given.
 */
function mergeNodes(live: XmlElement | undefined, desired: XmlElement | undefined): XmlElement {
  const nodes = (live?.children ?? []).map(cloneXml);
  for (const want of desired?.children ?? []) {
    const { uname, id } = want.attrs;
    const match =
      (uname !== undefined
        ? nodes.find((n) => n.name === want.name && n.attrs.uname === uname)
        : undefined) ??
      (id !== undefined ? nodes.find((n) => n.name === want.name && n.attrs.id === id) : undefined);
    if (match) setNodeAttributes(match, want);
    else nodes.push(cloneXml(want));
  }
  return element('nodes', { ...(live ?? desired)?.attrs }, nodes);
}

function setNodeAttributes(node: XmlElement, want: XmlElement): void {
  const used = new Set<XmlElement>();
  for (const wantSet of want.children) {
    if (!NODE_SETS.has(wantSet.name)) continue;
    const candidates = node.children.filter((c) => c.name === wantSet.name);
    let set =
      candidates.find((c) => c.attrs.id !== undefined && c.attrs.id === wantSet.attrs.id) ??
      candidates.find((c) => !used.has(c));
    if (!set) {
      set = element(wantSet.name, { ...wantSet.attrs });
      node.children.push(set);
    }
    used.add(set);
    for (const nv of wantSet.children) {
      if (nv.name !== 'nvpair') continue;
      const i = set.children.findIndex((c) => c.name === 'nvpair' && c.attrs.name === nv.attrs.name);
      if (i >= 0) set.children[i] = withId(nv, set.children[i]!.attrs.id);
      else set.children.push(cloneXml(nv));
    }
  }
}

/** The desired constraints, then every live `cli-` constraint (crm_resource --move/--ban) desired does not have. */
function mergeConstraints(live: XmlElement | undefined, desired: XmlElement | undefined): XmlElement {
  const constraints = (desired?.children ?? []).map(cloneXml);
  const ids = new Set(constraints.map((c) => c.attrs.id));
  for (const c of live?.children ?? [])
    if (c.attrs.id?.startsWith('cli-') && !ids.has(c.attrs.id)) constraints.push(cloneXml(c));
  return element('constraints', { ...(desired ?? live)?.attrs }, constraints);
}
