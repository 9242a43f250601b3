import { z } from 'zod';

/** Absolute POSIX path, no NUL or newline (it ends up quoted in shell snippets and in line-based outputs). */
export const absPath = z
  .string()
  .regex(/^\/[^\0\n\r]*$/, 'must be an absolute path without newlines')
  .refine((p) => !p.split('/').includes('..'), 'must not contain ".." components');

/** Debian and RPM package names (no version pins, no globs). */
export const packageName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9+._-]*$/, 'not a valid package name');

/** systemd unit names (with or without a `.service` suffix, templates allowed). */
export const unitName = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9@_.:-]*$/, 'not a valid unit name');

/** POSIX-ish user and group names (as accepted by useradd/groupadd on Debian and RHEL). */
export const accountName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_.-]*\$?$/, 'not a valid user or group name');

/** sysctl keys in dotted notation (`net.ipv4.ip_forward`; `/` for dots inside a component, e.g. VLANs). */
export const sysctlName = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_./-]*$/, 'not a valid sysctl name')
  .refine((n) => !n.split(/[./]/).includes('..'), 'not a valid sysctl name');

/** `/proc/sys` path for a sysctl key: dots become slashes, slashes become dots (sysctl(8) notation). */
export function sysctlPath(name: string): string {
  return `/proc/sys/${name.replace(/[./]/g, (c) => (c === '.' ? '/' : '.'))}`;
}
