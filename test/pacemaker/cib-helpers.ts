import { readFileSync } from 'node:fs';
import { findChild, parseXml, type XmlElement } from '../../src/pacemaker/xml.js';

/** Fixtures and accessors shared by the CIB merge tests. */

/** `cibadmin -Q` of a 3-node Pacemaker 2.1.5 cluster hakit configured earlier (older resources, a ban…). */
export const LIVE_TEXT = readFileSync('test/pacemaker/fixtures/live-cib.xml', 'utf8');
/** A copy of test/render/golden/sandbox/node1/var/lib/hakit/cib.xml: what hakit renders for the sandbox. */
export const DESIRED_TEXT = readFileSync('test/pacemaker/fixtures/desired-configuration.xml', 'utf8');
export const live = () => parseXml(LIVE_TEXT);
export const desired = () => parseXml(DESIRED_TEXT);

/** The element at a path of child names from `el` (first match at each step). */
export function at(el: XmlElement, ...path: string[]): XmlElement {
  let cur = el;
  for (const name of path) {
    const next = findChild(cur, name);
    if (!next) throw new Error(`no <${name}> under <${cur.name}>`);
    cur = next;
  }
  return cur;
}
export const byId = (el: XmlElement, id: string) => el.children.find((c) => c.attrs.id === id);
/** The cib-bootstrap-options set of a full CIB or of a bare configuration. */
export const bootstrap = (el: XmlElement) =>
  byId(
    el.name === 'cib' ? at(el, 'configuration', 'crm_config') : at(el, 'crm_config'),
    'cib-bootstrap-options',
  )!;
/** `name id=value` of the cib-bootstrap-options nvpairs, in order. */
export const properties = (cib: XmlElement) =>
  bootstrap(cib).children.map((nv) => `${nv.attrs.name} ${nv.attrs.id}=${nv.attrs.value}`);
export const node = (cib: XmlElement, uname: string) =>
  at(cib, 'configuration', 'nodes').children.find((n) => n.attrs.uname === uname)!;
/** `id name=value` of the nvpairs of a set. */
export const nvpairs = (set: XmlElement | undefined) =>
  (set?.children ?? []).map((nv) => `${nv.attrs.id} ${nv.attrs.name}=${nv.attrs.value}`);
export const ids = (el: XmlElement) => el.children.map((c) => c.attrs.id);
