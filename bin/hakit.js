#!/usr/bin/env node
// Entry point: runs the compiled CLI (built by `npm ci` through the `prepare` script): the bundle
// (dist/bundle/main.js, fast to load) when it is there, else the compiled modules (dist/src).
import { existsSync } from 'node:fs';

// A closed pipe (`hakit schema | head`) is not an error.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

const bundle = new URL('../dist/bundle/main.js', import.meta.url);
const { main } = await (existsSync(bundle) ? import(bundle.href) : import('../dist/src/cli/main.js'));

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`hakit: internal error: ${err?.stack ?? err}\n`);
    process.exitCode = 1;
  },
);
