import { type DesiredFirewall, desiredFirewall } from '../components/host-prep/firewall-needs.js';
import { type DesiredSelinux, desiredSelinux } from '../components/host-prep/selinux-needs.js';
import {
  COMPONENTS,
  type ComponentContext,
  type FirewallNeed,
  type SelinuxNeeds,
} from '../components/index.js';
import type { LoadedInventory } from '../inventory/index.js';
import type { InventoryNode, SecretMasker } from '../model/index.js';
import type { SecretProvider } from '../render/handlebars-env.js';
import type { Layout } from '../render/layout.js';
import { TemplateSet } from '../render/template-set.js';
import { MASK, type RenderedFile } from '../render/types.js';

/** What one host should look like: every file it gets (with bytes, path, mode, owner, validator) and its packages. */
export interface DesiredState {
  node: string;
  layout: Layout;
  files: RenderedFile[];
  /** Packages the components need on this host, in component order, without duplicates. */
  packages: string[];
  /** SELinux port labels and booleans the host's daemons need (applied by `selinux_policy`). */
  selinux: DesiredSelinux;
  /** The host firewall's allow rules for the host's daemons (applied by `firewall`). */
  firewall: DesiredFirewall;
}

export interface DesiredOptions {
  layout: Layout;
  /** mask: secrets print as ******** (render, check, diffs). reveal: real values, registered with `masker`. */
  secrets: 'mask' | 'reveal';
  masker?: SecretMasker;
  templates?: TemplateSet;
  /** The cluster's authkey when the inventory names none (ComponentContext.authkey). */
  authkey?: () => Buffer;
}

/** Secret provider for one file: counts uses (→ `sensitive`), masks or reveals. */
class FileSecrets implements SecretProvider {
  used = 0;
  constructor(
    private readonly loaded: LoadedInventory,
    private readonly opts: DesiredOptions,
  ) {}
  secret(ref: string): string {
    this.used++;
    if (this.opts.secrets === 'mask') return MASK;
    return this.loaded.secret(ref, this.opts.masker);
  }
}

let defaultSet: TemplateSet | undefined;

/**
 * The desired state of one host, computed from the inventory and the host's file layout. `render`, `check` and
 * `run` all call this, so what is checked is byte for byte what is written. Deterministic.
 */
export function desiredState(
  loaded: LoadedInventory,
  node: InventoryNode,
  opts: DesiredOptions,
): DesiredState {
  const set = opts.templates ?? (defaultSet ??= new TemplateSet());
  const ctx: ComponentContext = {
    loaded,
    inv: loaded.inventory,
    node,
    layout: opts.layout,
    ...(opts.authkey ? { authkey: opts.authkey } : {}),
  };
  const files: RenderedFile[] = [];
  const packages = new Set<string>();
  const selinuxNeeds: SelinuxNeeds[] = [];
  const firewallNeeds: FirewallNeed[] = [];
  for (const component of COMPONENTS) {
    for (const p of component.packages(ctx)) packages.add(p);
    if (component.selinux) selinuxNeeds.push(component.selinux(ctx));
    if (component.firewall) firewallNeeds.push(...component.firewall(ctx));
    for (const spec of component.files(ctx)) {
      const secrets = new FileSecrets(loaded, opts);
      // Binary files: the bytes are read only when written (`binary()`); render and check show the mask.
      const content = spec.bytes ? MASK : set.get(spec.template as string)(spec.view, secrets);
      const bytes = spec.bytes;
      const binary =
        bytes && opts.secrets === 'reveal'
          ? () => {
              const b = bytes();
              opts.masker?.add(b.toString('base64'));
              return b;
            }
          : undefined;
      const sensitive = spec.bytes !== undefined || secrets.used > 0;
      const file: RenderedFile = {
        id: spec.id,
        node: node.name,
        path: spec.path,
        content,
        mode: sensitive ? (spec.sensitiveMode ?? spec.mode) : spec.mode,
        sensitive,
        kind: spec.kind,
        template: spec.template ?? '',
        ...(binary ? { binary } : {}),
      };
      if (spec.owner) file.owner = spec.owner;
      const group = sensitive ? (spec.sensitiveGroup ?? spec.group) : spec.group;
      if (group) file.group = group;
      if (spec.validate) file.validate = spec.validate;
      if (spec.block) file.block = spec.block;
      files.push(file);
    }
  }
  const selinux = desiredSelinux(ctx, selinuxNeeds);
  for (const p of selinux.packages) packages.add(p);
  const firewall = desiredFirewall(ctx, firewallNeeds);
  for (const p of firewall.packages) packages.add(p);
  return { node: node.name, layout: opts.layout, files, packages: [...packages], selinux, firewall };
}
