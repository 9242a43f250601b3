import { createHash } from 'node:crypto';

/**
 * What an image is built from. The tag carries a hash of the recipe, so an image is rebuilt exactly when
 * its recipe (or its parent's) changes, and found in Docker's cache otherwise.
 */
export interface ImageRecipe {
  /** Repository part of the tag, e.g. `hakit-sandbox-host`. */
  repo: string;
  /** `base`, `host` or `pkgcache`; stored as the `io.hakit.image` label. */
  kind: 'base' | 'host' | 'pkgcache';
  /** Everything that determines the image content: file names → contents (Dockerfile, configs, inputs). */
  files: Record<string, string>;
  /** Full tag of the parent image, when built FROM another recipe. Part of the hash. */
  parent?: string;
}

/** Stable 12-hex-digit hash of a recipe: independent of the order of `files`. */
export function recipeHash(recipe: Pick<ImageRecipe, 'files' | 'parent' | 'kind'>): string {
  const h = createHash('sha256');
  h.update(`kind\0${recipe.kind}\0parent\0${recipe.parent ?? ''}\0`);
  for (const name of Object.keys(recipe.files).sort()) {
    h.update(`${name}\0${recipe.files[name]}\0`);
  }
  return h.digest('hex').slice(0, 12);
}

export function recipeTag(recipe: ImageRecipe): string {
  return `${recipe.repo}:${recipeHash(recipe)}`;
}
