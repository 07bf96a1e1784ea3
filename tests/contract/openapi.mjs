/*
 * openapi.mjs: check recorded provider requests (and the fake's responses)
 * against the providers' OpenAPI 3.0 descriptions in shared/specs.
 *
 * OpenAPI 3.0 schemas are turned into JSON Schema for Ajv: "nullable" adds
 * null to type/enum, $ref siblings are dropped (3.0 ignores them), local
 * refs point into one registered document per spec, unknown formats
 * ("boolean", ...) are accepted, and date-time/uri are checked loosely.
 * A few spec bugs are patched (QUIRKS below); each says why.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

export const PROVIDERS = [
	{ name: 'cloudflare', prefix: '/client/v4', file: 'cloudflare-stream.openapi.json' },
	{ name: 'mux', prefix: '', file: 'mux-video.openapi.json' },
];

/*
 * Where the real APIs differ from their specs. scope "both" applies to
 * requests and responses, "response" only when checking the fake's answers.
 */
const QUIRKS = [
	{ provider: 'cloudflare', scope: 'both', schema: 'stream_live_input_recording_deletion',
	    why: 'the schema\'s own description says "include with a null value to remove"' },
	{ provider: 'cloudflare', scope: 'response', schema: 'stream_live_input_recording_allowedOrigins',
	    why: 'the docs\' create-live-input example answers "allowedOrigins": null' },
	...['stream_creator', 'stream_oneTimeUploadExpiry', 'stream_maxDurationSeconds',
	    'stream_watermarks', 'stream_readyToStreamAt', 'stream_scheduledDeletion'].map((schema) =>
	    ({ provider: 'cloudflare', scope: 'response', schema,
	    why: 'the docs\' video examples answer null for this field' })),
];

/* The specs folder: $VIGIL_SPECS_DIR, else <repo>/../shared/specs. */
export function specsDir() {
	if (process.env.VIGIL_SPECS_DIR) return path.resolve(process.env.VIGIL_SPECS_DIR);
	const here = path.dirname(fileURLToPath(import.meta.url));
	let top;
	try {
		top = execFileSync('git', ['rev-parse', '--show-toplevel'],
		    { cwd: here, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
	} catch {
		top = path.resolve(here, '..', '..');
	}
	return path.resolve(top, '..', 'shared', 'specs');
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

/* Follow a local "#/a/b" pointer inside doc. */
function pointer(doc, ref) {
	return ref.slice(2).split('/').reduce((node, key) =>
	    node?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
}
const deref = (doc, node) => (node && node.$ref ? deref(doc, pointer(doc, node.$ref)) : node);

/* OpenAPI 3.0 schema object -> JSON Schema (draft-07) for Ajv. */
function toJsonSchema(node, base) {
	if (Array.isArray(node)) return node.map((n) => toJsonSchema(n, base));
	if (node === null || typeof node !== 'object') return node;
	if (typeof node.$ref === 'string')
		return { $ref: node.$ref.startsWith('#') ? base + node.$ref : node.$ref };
	const out = {};
	for (const [k, v] of Object.entries(node)) {
		if (k === 'nullable' || k === 'example' || k === 'discriminator' || k === 'xml' ||
		    k === 'externalDocs' || k === 'deprecated' || k.startsWith('x-'))
			continue;
		if (k === 'properties' || k === 'patternProperties')
			out[k] = Object.fromEntries(Object.entries(v).map(([p, s]) => [p, toJsonSchema(s, base)]));
		else if (k === 'enum' || k === 'default' || k === 'const')
			out[k] = v;
		else
			out[k] = toJsonSchema(v, base);
	}
	if (node.nullable === true) {
		if (out.enum && !out.enum.includes(null)) out.enum = [...out.enum, null];
		if (out.type) out.type = [...new Set([].concat(out.type, 'null'))];
		else return { anyOf: [{ type: 'null' }, out] };
	}
	return out;
}

function collectFormats(node, set = new Set()) {
	if (node && typeof node === 'object') {
		if (typeof node.format === 'string') set.add(node.format);
		for (const v of Object.values(node)) collectFormats(v, set);
	}
	return set;
}

/* Ajv error list -> short readable strings, prefixed with where. */
function describe(where, errors) {
	const seen = new Set();
	for (const e of errors || []) {
		let msg = e.message;
		if (e.keyword === 'enum') msg += ` (${e.params.allowedValues.map((v) => JSON.stringify(v)).join(', ')})`;
		if (e.keyword === 'required') msg = `must have required property "${e.params.missingProperty}"`;
		seen.add(`${where}${e.instancePath || ''} ${msg}`);
	}
	return [...seen];
}

class Spec {
	constructor(provider, dir) {
		Object.assign(this, provider);
		this.doc = JSON.parse(fs.readFileSync(path.join(dir, provider.file), 'utf8'));
		this.ajv = { request: this.makeAjv('request'), response: this.makeAjv('response') };
		this.cache = new Map();
		this.literals = new Set();
		this.ops = [];
		for (const [template, item] of Object.entries(this.doc.paths)) {
			const segs = template.split('/').filter(Boolean);
			segs.filter((s) => !s.startsWith('{')).forEach((s) => this.literals.add(s));
			const names = [];
			const re = new RegExp(`^/${segs.map((s) => {
				if (!s.startsWith('{')) return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
				names.push(s.slice(1, -1));
				return '([^/]+)';
			}).join('/')}$`);
			for (const m of HTTP_METHODS) if (item[m]) {
				this.ops.push({ method: m.toUpperCase(), template, re, names, item, op: item[m],
				    literalCount: segs.filter((s) => !s.startsWith('{')).length });
			}
		}
		/* Prefer templates with more fixed segments ("webhook" over "{identifier}"). */
		this.ops.sort((a, b) => b.literalCount - a.literalCount);
	}

	makeAjv(scope) {
		const doc = JSON.parse(JSON.stringify(this.doc));
		for (const q of QUIRKS)
			if (q.provider === this.name && (q.scope === 'both' || q.scope === scope))
				doc.components.schemas[q.schema].nullable = true;
		const base = `https://vigil.invalid/${this.name}-${scope}.json`;
		const ajv = new Ajv({ strict: false, allErrors: true });
		addFormats(ajv, { mode: 'fast' });
		for (const f of collectFormats(doc)) if (!ajv.formats[f]) ajv.addFormat(f, true);
		ajv.addSchema({ $id: base, components: { schemas: toJsonSchema(doc.components.schemas, base) } });
		return { ajv, base };
	}

	/* Validate value against an OpenAPI schema object; returns error strings. */
	check(scope, schema, value, where) {
		const key = `${scope}\0${JSON.stringify(schema)}`;
		let validate = this.cache.get(key);
		if (!validate) {
			const { ajv, base } = this.ajv[scope];
			validate = ajv.compile(toJsonSchema(schema, base));
			this.cache.set(key, validate);
		}
		return validate(value) ? [] : describe(where, validate.errors);
	}

	/* {entry, params} for METHOD specPath, or {error}. */
	find(method, specPath) {
		const pathMatches = [];
		for (const e of this.ops) {
			const m = e.re.exec(specPath);
			if (!m) continue;
			let values;
			try { values = m.slice(1).map(decodeURIComponent); } catch { continue; }
			if (values.some((v) => this.literals.has(v))) continue;
			pathMatches.push(e);
			if (e.method === method)
				return { entry: e, params: Object.fromEntries(e.names.map((n, i) => [n, values[i]])) };
		}
		if (pathMatches.length)
			return { error: `no ${method} operation for ${pathMatches[0].template} in ${this.file} ` +
			    `(has ${[...new Set(pathMatches.map((e) => e.method))].join(', ')})` };
		return { error: `no operation in ${this.file} matches ${method} ${specPath}` };
	}

	parameters(entry) {
		const all = [...(entry.item.parameters || []), ...(entry.op.parameters || [])]
		    .map((p) => deref(this.doc, p));
		const byKey = new Map(all.map((p) => [`${p.in}:${p.name}`, p]));
		return [...byKey.values()];
	}
}

/* Query strings arrive as text: coerce to the schema's scalar type first. */
function coerce(schema, v) {
	const t = schema?.type;
	if ((t === 'integer' || t === 'number') && v !== '' && !isNaN(Number(v))) return Number(v);
	if (t === 'boolean' && (v === 'true' || v === 'false')) return v === 'true';
	return v;
}

export class Contract {
	constructor(dir = specsDir()) {
		this.dir = dir;
		this.specs = PROVIDERS.map((p) => new Spec(p, dir));
	}

	/* {spec, specPath} for a request path, or null if no provider's (the fake's control API). */
	classify(p) {
		if (p === '/_fake' || p.startsWith('/_fake/')) return null;
		for (const spec of this.specs)
			if (spec.prefix === '' || p === spec.prefix || p.startsWith(`${spec.prefix}/`))
				return { spec, specPath: p.slice(spec.prefix.length) || '/' };
		return null;
	}

	/*
	 * One recorded request (a line of the fake's --log) ->
	 * {provider, operationId, errors[], notes[]}; provider null = not a provider request.
	 */
	validateRequest(rec) {
		const c = this.classify(rec.path || '');
		if (!c) return { provider: null, errors: [], notes: [] };
		const { spec, specPath } = c;
		const res = { provider: spec.name, operationId: null, errors: [], notes: [] };
		const found = spec.find(String(rec.method).toUpperCase(), specPath);
		if (found.error) { res.errors.push(found.error); return res; }
		const { entry, params } = found;
		res.operationId = entry.op.operationId;
		const errors = res.errors;

		const query = rec.query || {};
		const declared = spec.parameters(entry);
		for (const p of declared) {
			if (p.in === 'path') {
				errors.push(...spec.check('request', p.schema || {}, params[p.name], `path ${p.name}`));
			} else if (p.in === 'query') {
				if (!(p.name in query)) {
					if (p.required) errors.push(`missing required query parameter ${p.name}`);
				} else {
					errors.push(...spec.check('request', p.schema || {},
					    coerce(deref(spec.doc, p.schema), query[p.name]), `query ${p.name}`));
				}
			} else if (p.in === 'header' && p.required &&
			    !(rec.headers && p.name.toLowerCase() in rec.headers)) {
				errors.push(`missing required header ${p.name}`);
			}
		}
		for (const q of Object.keys(query))
			if (!declared.some((p) => p.in === 'query' && p.name === q))
				errors.push(`query parameter ${q} is not in the spec`);

		errors.push(...this.checkSecurity(spec, entry, rec));
		this.checkBody(spec, entry, rec, res);
		return res;
	}

	/* One security requirement (all its schemes) must be met by what the fake recorded. */
	checkSecurity(spec, entry, rec) {
		const reqs = entry.op.security ?? spec.doc.security ?? [];
		if (!reqs.length) return [];
		const schemes = spec.doc.components?.securitySchemes || {};
		const headers = rec.headers || {};
		const met = (name) => {
			const s = schemes[name];
			if (!s) return false;
			if (s.type === 'http') return rec.auth?.scheme === s.scheme.toLowerCase();
			if (s.type === 'apiKey' && s.in === 'header') return s.name.toLowerCase() in headers;
			return false;
		};
		if (reqs.some((r) => Object.keys(r).every(met))) return [];
		const want = reqs.map((r) => Object.keys(r).map((n) => {
			const s = schemes[n];
			return s?.type === 'http' ? `${s.scheme} auth` : s?.name || n;
		}).join(' + ')).join(' or ');
		return [`credentials missing: expected ${want}, got ${rec.auth?.scheme || 'none'}`];
	}

	checkBody(spec, entry, rec, res) {
		const rb = deref(spec.doc, entry.op.requestBody);
		const hasBody = (rec.bodyBytes ?? (rec.body == null ? 0 : 1)) > 0;
		if (!rb) {
			if (hasBody) res.notes.push('a body was sent but the operation declares none');
			return;
		}
		if (!hasBody) {
			if (rb.required) res.errors.push('request body is required');
			return;
		}
		const ct = String(rec.headers?.['content-type'] || '').split(';')[0].trim().toLowerCase();
		const media = Object.keys(rb.content || {});
		const match = media.find((m) => m === ct) ||
		    media.find((m) => m.endsWith('/*') && ct.startsWith(m.slice(0, -1))) ||
		    media.find((m) => m === '*/*');
		if (!match)
			res.errors.push(`content-type "${ct || '(none)'}" is not one of ${media.join(', ')}`);
		/* Under a wrong content-type the body is still checked as JSON. */
		const json = match ? (/json/.test(match) ? match : null)
		    : media.find((m) => /json/.test(m));
		if (json) {
			if (rec.bodyError) { res.errors.push('request body is not valid JSON'); return; }
			const schema = rb.content[json].schema;
			if (schema) res.errors.push(...spec.check('request', schema, rec.body, 'body'));
		}
	}

	/* The fake's (or anyone's) answer -> error strings. body: parsed JSON or null. */
	validateResponse({ method, path: p, status, body }) {
		const c = this.classify(p);
		if (!c) return [`${p} is not a provider path`];
		const found = c.spec.find(method.toUpperCase(), c.specPath);
		if (found.error) return [found.error];
		const responses = found.entry.op.responses || {};
		const def = deref(c.spec.doc, responses[String(status)] ??
		    responses[`${String(status)[0]}XX`] ?? responses.default);
		if (!def) return [`status ${status} is not declared (declared: ${Object.keys(responses).join(', ')})`];
		const media = def.content?.['application/json'];
		if (!media) {
			if (status === 204 && body != null) return ['a 204 answer must have no body'];
			return [];
		}
		if (!media.schema) return [];
		return c.spec.check('response', media.schema, body, 'response');
	}
}

export function loadContract(dir) {
	return new Contract(dir);
}
