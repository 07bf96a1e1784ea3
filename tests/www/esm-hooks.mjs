// esm-hooks.mjs: module hooks that load www/js/*.js as ES modules.
//
// The browser app's modules are plain .js files served to browsers with
// no package.json around them, so node would read them as CommonJS; the
// tests register this hook (module.register) before importing them.
export async function load(url, context, next) {
  if (/\/www\/js\/[^/]+\.js$/.test(url)) {
    return next(url, { ...context, format: 'module' });
  }
  return next(url, context);
}
