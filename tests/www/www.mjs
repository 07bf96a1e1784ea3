// www.mjs: import a module of the browser app (www/js/NAME.js).
import { register } from 'node:module';

register('./esm-hooks.mjs', import.meta.url);

export function www(name) {
  return import(new URL(`../../www/js/${name}.js`, import.meta.url).href);
}
