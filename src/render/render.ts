import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadedInventory } from '../inventory/load.js';
import { clusterNodes, galeraMembers } from '../inventory/model.js';
import type { Inventory, InventoryNode } from '../inventory/schema.js';
import { cibView } from './cib.js';
import {
  chronyView,
  corosyncView,
  drbdMemberNames,
  drbdView,
  galeraView,
  garbdView,
  HOSTS_BEGIN,
  HOSTS_END,
  haproxyView,
  hostsView,
  keepalivedView,
} from './context.js';
import {
  type CompiledTemplate,
  compileTemplate,
  createHandlebars,
  type HandlebarsEnv,
  type SecretProvider,
} from './handlebars-env.js';
import { layoutFor } from './layout.js';
import { type FileKind, MASK, type RenderedFile, type RenderOptions } from './types.js';

/** The templates/ folder of the hakit installation (found upwards from this module: works from src/ and dist/). */
export function templatesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'templates');
    if (existsSync(join(candidate, 'corosync.conf.hbs'))) return candidate;
    dir = resolve(dir, '..');
  }
  throw new Error('hakit templates/ folder not found next to the installation');
}

/** Loads and compiles templates once per renderer. */
export class TemplateSet {
  private readonly cache = new Map<string, CompiledTemplate>();
  constructor(
    private readonly hb: HandlebarsEnv = createHandlebars(),
    private readonly dir: string = templatesDir(),
  ) {}

  get(name: string): CompiledTemplate {
    let t = this.cache.get(name);
    if (!t) {
      const source = readFileSync(join(this.dir, name), 'utf8');
      t = compileTemplate(this.hb, source, { xml: name.endsWith('.xml.hbs') });
      this.cache.set(name, t);
    }
    return t;
  }
}

let defaultSet: TemplateSet | undefined;

/** Secret provider for one file: counts uses (→ `sensitive`), masks or reveals. */
class FileSecrets implements SecretProvider {
  used = 0;
  constructor(
    private readonly loaded: LoadedInventory,
    private readonly opts: RenderOptions,
  ) {}
  secret(ref: string): string {
    this.used++;
    if (this.opts.secrets === 'mask') return MASK;
    return this.loaded.secret(ref, this.opts.masker);
  }
}

interface FileSpec {
  kind: FileKind;
  template: string;
  path: string;
  view: unknown;
  mode: number;
  /** Mode when a secret ends up inside (default: same as mode). */
  sensitiveMode?: number;
  owner?: string;
  group?: string;
  sensitiveGroup?: string;
  validate?: string;
  block?: { begin: string; end: string };
}

/** Which files a node gets, and from which view. Order is fixed (deterministic output). */
function specsFor(inv: Inventory, node: InventoryNode): FileSpec[] {
  const layout = layoutFor(inv);
  const specs: FileSpec[] = [];
  const isMember = clusterNodes(inv).some((n) => n.name === node.name);
  if (isMember) {
    specs.push({
      kind: 'corosync',
      template: 'corosync.conf.hbs',
      path: layout.corosync,
      view: corosyncView(inv),
      mode: 0o644,
      owner: 'root',
      group: 'root',
      validate: 'corosync -t -c %s',
    });
    specs.push({
      kind: 'cib',
      template: 'cib.xml.hbs',
      path: layout.cib,
      view: cibView(inv),
      mode: 0o600,
      owner: 'root',
      group: 'root',
    });
  }
  if (inv.haproxy && node.roles.includes('haproxy'))
    specs.push({
      kind: 'haproxy',
      template: 'haproxy.cfg.hbs',
      path: layout.haproxy,
      view: haproxyView(inv),
      mode: 0o644,
      owner: 'root',
      group: 'root',
      validate: 'haproxy -c -f %s',
    });
  if (inv.galera && galeraMembers(inv).includes(node.name)) {
    const view = galeraView(inv, node, layout);
    specs.push({
      kind: 'galera',
      template: 'galera.cnf.hbs',
      path: layout.galera,
      view,
      mode: 0o644,
      sensitiveMode: 0o640,
      owner: 'root',
      group: 'root',
      sensitiveGroup: layout.mysqlGroup,
      validate: 'mariadbd --defaults-file=%s --help --verbose',
    });
    const check = { view, owner: 'root', group: 'root', kind: 'galera-check' as const };
    specs.push({
      ...check,
      template: 'clustercheck.sh.hbs',
      path: layout.clustercheckScript,
      mode: 0o755,
      validate: 'sh -n %s',
    });
    specs.push({
      ...check,
      template: 'clustercheck.cnf.hbs',
      path: layout.clustercheckCredentials,
      mode: 0o600,
    });
    specs.push({
      ...check,
      template: 'clustercheck.socket.hbs',
      path: layout.clustercheckSocket,
      mode: 0o644,
    });
    specs.push({
      ...check,
      template: 'clustercheck@.service.hbs',
      path: layout.clustercheckService,
      mode: 0o644,
    });
  }
  if (inv.galera?.garbd?.node === node.name)
    specs.push({
      kind: 'garbd',
      template: 'garbd.hbs',
      path: layout.garbd,
      view: garbdView(inv),
      mode: 0o644,
      owner: 'root',
      group: 'root',
      validate: 'sh -n %s',
    });
  for (const r of inv.drbd?.resources ?? [])
    if (drbdMemberNames(r).includes(node.name))
      specs.push({
        kind: 'drbd',
        template: 'drbd.res.hbs',
        path: `${layout.drbdDir}/${r.name}.res`,
        view: drbdView(inv, r),
        mode: 0o644,
        owner: 'root',
        group: 'root',
        validate: `drbdadm --config-to-test %s --config-to-exclude ${layout.drbdDir}/${r.name}.res sh-nop`,
      });
  if (inv.keepalived?.instances.some((i) => i.members.some((m) => m.node === node.name)))
    specs.push({
      kind: 'keepalived',
      template: 'keepalived.conf.hbs',
      path: layout.keepalived,
      view: keepalivedView(inv, node),
      mode: 0o644,
      sensitiveMode: 0o600,
      owner: 'root',
      group: 'root',
      validate: 'keepalived -t -f %s',
    });
  specs.push({
    kind: 'chrony',
    template: 'chrony.conf.hbs',
    path: layout.chrony,
    view: chronyView(inv, layout),
    mode: 0o644,
    owner: 'root',
    group: 'root',
    validate: 'chronyd -p -f %s',
  });
  if (inv.host_prep.hosts_file)
    specs.push({
      kind: 'hosts-block',
      template: 'hosts-block.hbs',
      path: layout.hosts,
      view: hostsView(inv),
      mode: 0o644,
      owner: 'root',
      group: 'root',
      block: { begin: HOSTS_BEGIN, end: HOSTS_END },
    });
  return specs;
}

/**
 * Renders every configuration file of every node (or of `opts.nodes`). Deterministic: the same inventory gives
 * the same files in the same order with the same bytes. In `mask` mode no secret is resolved at all.
 */
export function renderNodeFiles(
  loaded: LoadedInventory,
  opts: RenderOptions,
  templates?: TemplateSet,
): RenderedFile[] {
  if (!templates && !defaultSet) defaultSet = new TemplateSet();
  const set = templates ?? (defaultSet as TemplateSet);
  const inv = loaded.inventory;
  const wanted = opts.nodes ? new Set(opts.nodes) : null;
  const out: RenderedFile[] = [];
  for (const node of inv.nodes) {
    if (wanted && !wanted.has(node.name)) continue;
    for (const spec of specsFor(inv, node)) {
      const secrets = new FileSecrets(loaded, opts);
      const content = set.get(spec.template)(spec.view, secrets);
      const sensitive = secrets.used > 0;
      const file: RenderedFile = {
        node: node.name,
        path: spec.path,
        content,
        mode: sensitive ? (spec.sensitiveMode ?? spec.mode) : spec.mode,
        sensitive,
        kind: spec.kind,
        template: spec.template,
      };
      if (spec.owner) file.owner = spec.owner;
      const group = sensitive ? (spec.sensitiveGroup ?? spec.group) : spec.group;
      if (group) file.group = group;
      if (spec.validate) file.validate = spec.validate;
      if (spec.block) file.block = spec.block;
      out.push(file);
    }
  }
  return out;
}
