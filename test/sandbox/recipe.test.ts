import { describe, expect, it } from 'vitest';
import { mirrorFromSources } from '../../src/sandbox/images.js';
import { recipeHash, recipeTag } from '../../src/sandbox/recipe.js';
import { baseRecipe, CACHED_PACKAGES, hostRecipe, pkgcacheRecipe } from '../../src/sandbox/recipes.js';

const SOURCES = `Types: deb
URIs: http://mirror.example/debian
Suites: bookworm bookworm-updates
Components: main

Types: deb
URIs: http://mirror.example/debian-security
Suites: bookworm-security
Components: main
`;

describe('image recipes', () => {
  it('hashes a recipe independently of file order and changes the hash with any content', () => {
    const a = recipeHash({ kind: 'host', files: { a: '1', b: '2' } });
    expect(recipeHash({ kind: 'host', files: { b: '2', a: '1' } })).toBe(a);
    expect(a).toMatch(/^[0-9a-f]{12}$/);
    expect(recipeHash({ kind: 'host', files: { a: '1', b: '3' } })).not.toBe(a);
    expect(recipeHash({ kind: 'host', files: { a: '1', c: '2' } })).not.toBe(a);
    expect(recipeHash({ kind: 'host', files: { a: '1', b: '2' }, parent: 'x:1' })).not.toBe(a);
    expect(recipeHash({ kind: 'pkgcache', files: { a: '1', b: '2' } })).not.toBe(a);
  });

  it('chains tags: a change in the APT sources changes base, host and package-cache tags', () => {
    const b1 = baseRecipe(SOURCES, mirrorFromSources(SOURCES));
    const b2 = baseRecipe(`${SOURCES}\n# changed\n`, mirrorFromSources(SOURCES));
    const h1 = hostRecipe(b1);
    const h2 = hostRecipe(b2);
    expect(recipeTag(b1)).not.toBe(recipeTag(b2));
    expect(h1.parent).toBe(recipeTag(b1));
    expect(recipeTag(h1)).not.toBe(recipeTag(h2));
    expect(recipeTag(pkgcacheRecipe(h1))).not.toBe(recipeTag(pkgcacheRecipe(h2)));
    expect(recipeTag(hostRecipe(b1))).toBe(recipeTag(h1));
  });

  it('builds the host image FROM the base tag and the package cache FROM the host tag', () => {
    const b = baseRecipe(SOURCES, mirrorFromSources(SOURCES));
    const h = hostRecipe(b);
    const p = pkgcacheRecipe(h);
    expect(h.files.Dockerfile).toMatch(new RegExp(`^FROM ${recipeTag(b)}\n`));
    expect(p.files.Dockerfile).toMatch(new RegExp(`^FROM ${recipeTag(h)}\n`));
    expect(h.files.Dockerfile).toContain('openssh-server');
    expect(h.files.Dockerfile).toContain('STOPSIGNAL SIGRTMIN+3');
    for (const pkg of CACHED_PACKAGES) expect(p.files.Dockerfile).toContain(` ${pkg} `);
    expect(p.files.Dockerfile).toContain('--download-only');
    expect(p.files.Dockerfile).not.toMatch(/rm -rf \/var\/lib\/apt\/lists|apt-get clean/);
  });

  it('takes the debootstrap mirror from the stanza that lists the plain suite', () => {
    expect(mirrorFromSources(SOURCES)).toBe('http://mirror.example/debian');
    expect(mirrorFromSources('Types: deb\nURIs: http://x/sec\nSuites: bookworm-security\n')).toBe(
      'http://deb.debian.org/debian',
    );
  });
});
