import type { SecretMasker } from '../model/index.js';

export const FILE_KINDS = [
  'corosync',
  'corosync-authkey',
  'cib',
  'haproxy',
  'galera',
  'galera-check',
  'garbd',
  'drbd',
  'keepalived',
  'chrony',
  'hosts-block',
] as const;

export type FileKind = (typeof FILE_KINDS)[number];

/** One file rendered for one node. */
export interface RenderedFile {
  /** The file's name in playbooks (`config_file: {file: corosync}`), unique per node. */
  id: string;
  node: string;
  /** Absolute path on the host, e.g. /etc/corosync/corosync.conf. */
  path: string;
  content: string;
  /** Binary files (the corosync authkey), reveal mode only: reads the bytes to write (`content` is the mask). */
  binary?: () => Buffer;
  /** Octal file mode, e.g. 0o644. */
  mode: number;
  owner?: string;
  group?: string;
  /** A secret value (or its mask) is inside. */
  sensitive: boolean;
  kind: FileKind;
  /** Name of the template it came from, e.g. corosync.conf.hbs. */
  template: string;
  /** On-host validation command; `%s` is the path of the new file (for the copy op). */
  validate?: string;
  /**
   * For a managed block inside a file the host owns (kind hosts-block): the marker lines. `content` is the whole
   * block including both markers and a final newline.
   */
  block?: { begin: string; end: string };
}

export interface RenderOptions {
  /** mask: secrets print as ******** (render, check, diffs). reveal: real values (deploy), registered with masker. */
  secrets: 'mask' | 'reveal';
  masker?: SecretMasker;
  /** Only these nodes (default: all). */
  nodes?: string[];
}

export const MASK = '********';
