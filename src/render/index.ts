export * from './handlebars-env.js';
export * from './layout.js';
export { TemplateSet, templatesDir } from './template-set.js';
export * from './types.js';
