import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GenericContainer, Wait } from 'testcontainers';
import { EnvironmentError } from '../errors/index.js';
import { FENCE_PROXY_PY } from './fence-proxy.py.js';
import { FENCE_TLS_DIR, type FencingEndpoint } from './inventory.js';
import { LABEL_SANDBOX } from './names.js';

export const FENCE_PORT = 2376;
/** Host part of the fencing proxy's address in the sandbox subnet. */
export const FENCE_HOST = 2;
export const LABEL_ROLE = 'io.hakit.role';
const DOCKER_SOCKET = '/var/run/docker.sock';

export interface FenceCerts {
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

/** Whether this machine can run the fencing proxy: a local Docker socket and openssl to make certificates. */
export function fencingSupported(): string | null {
  if (process.env.DOCKER_HOST && !process.env.DOCKER_HOST.startsWith(`unix://${DOCKER_SOCKET}`)) {
    return `DOCKER_HOST is ${process.env.DOCKER_HOST}, not the local socket`;
  }
  if (!existsSync(DOCKER_SOCKET)) return `${DOCKER_SOCKET} does not exist`;
  return null;
}

function openssl(args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString('utf8');
    });
    child.on('error', (e) =>
      reject(new EnvironmentError(`cannot run openssl (${e.message}); install openssl`)),
    );
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new EnvironmentError(`openssl ${args[0]} failed: ${err.trim()}`)),
    );
  });
}

/**
 * A private CA for one sandbox, a server certificate for the proxy address and a client certificate for the
 * nodes (EC P-256, 10 years). Written under `<dir>/fence/` (keys 0600); the CA key never leaves it.
 */
export async function makeFenceCerts(dir: string, sandbox: string, proxyIp: string): Promise<FenceCerts> {
  const fdir = join(dir, 'fence');
  await mkdir(fdir, { recursive: true, mode: 0o700 });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await openssl(
    [
      'req',
      '-x509',
      ...ec,
      '-keyout',
      'ca-key.pem',
      '-out',
      'ca.pem',
      '-days',
      '3650',
      '-subj',
      `/CN=hakit sandbox ${sandbox} fencing CA`,
    ],
    fdir,
  );
  for (const [who, ext, cn] of [
    ['server', `subjectAltName=IP:${proxyIp}\nextendedKeyUsage=serverAuth\n`, 'hakit-fence-proxy'],
    ['client', 'extendedKeyUsage=clientAuth\n', `hakit-fence-client-${sandbox}`],
  ] as const) {
    await writeFile(join(fdir, `${who}.ext`), ext);
    await openssl(
      ['req', ...ec, '-keyout', `${who}-key.pem`, '-out', `${who}.csr`, '-subj', `/CN=${cn}`],
      fdir,
    );
    await openssl(
      [
        'x509',
        '-req',
        '-in',
        `${who}.csr`,
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca-key.pem',
        '-CAcreateserial',
        '-out',
        `${who}-cert.pem`,
        '-days',
        '3650',
        '-extfile',
        `${who}.ext`,
      ],
      fdir,
    );
    await rm(join(fdir, `${who}.csr`));
    await rm(join(fdir, `${who}.ext`));
  }
  const read = (f: string) => readFile(join(fdir, f), 'utf8');
  return {
    ca: await read('ca.pem'),
    serverCert: await read('server-cert.pem'),
    serverKey: await read('server-key.pem'),
    clientCert: await read('client-cert.pem'),
    clientKey: await read('client-key.pem'),
  };
}

/** Files a node needs for fence_docker, at the paths the inventory names. */
export function nodeFenceFiles(certs: FenceCerts) {
  return [
    { content: certs.ca, target: `${FENCE_TLS_DIR}/ca.pem`, mode: 0o644 },
    { content: certs.clientCert, target: `${FENCE_TLS_DIR}/client-cert.pem`, mode: 0o644 },
    { content: certs.clientKey, target: `${FENCE_TLS_DIR}/client-key.pem`, mode: 0o600 },
  ];
}

class ProxyContainer extends GenericContainer {
  withFixedAddress(network: string, address: string): this {
    this.withNetworkMode(network);
    this.createOpts.NetworkingConfig = {
      EndpointsConfig: { [network]: { IPAMConfig: { IPv4Address: address } } },
    };
    return this;
  }
}

/**
 * Starts the fencing proxy of a sandbox: a container on the sandbox network only (fixed address), with the
 * Docker socket, serving the filtered API over mutual TLS. Labelled with the sandbox, so `down` removes it.
 */
export async function startFenceProxy(opts: {
  image: string;
  sandbox: string;
  network: string;
  address: string;
  certs: FenceCerts;
}): Promise<FencingEndpoint> {
  await new ProxyContainer(opts.image)
    .withName(`hakit-${opts.sandbox}-fence`)
    .withLabels({ [LABEL_SANDBOX]: opts.sandbox, [LABEL_ROLE]: 'fence-proxy' })
    .withFixedAddress(opts.network, opts.address)
    .withEnvironment({
      HAKIT_SANDBOX: opts.sandbox,
      HAKIT_LISTEN: opts.address,
      HAKIT_PORT: String(FENCE_PORT),
    })
    .withBindMounts([{ source: DOCKER_SOCKET, target: DOCKER_SOCKET, mode: 'rw' }])
    .withCopyContentToContainer([
      { content: FENCE_PROXY_PY, target: '/opt/hakit/fence-proxy.py', mode: 0o644 },
      { content: opts.certs.ca, target: `${FENCE_TLS_DIR}/ca.pem`, mode: 0o644 },
      { content: opts.certs.serverCert, target: `${FENCE_TLS_DIR}/server-cert.pem`, mode: 0o644 },
      { content: opts.certs.serverKey, target: `${FENCE_TLS_DIR}/server-key.pem`, mode: 0o600 },
    ])
    .withEntrypoint(['python3', '-u', '/opt/hakit/fence-proxy.py'])
    .withCommand([])
    .withWaitStrategy(Wait.forLogMessage(/hakit fence proxy listening/).withStartupTimeout(30_000))
    .withPullPolicy({ shouldPull: () => false })
    .withAutoCleanup(false)
    .start();
  return { ip: opts.address, port: FENCE_PORT };
}
