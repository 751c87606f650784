#!/usr/bin/env bash
# apps/todo's OpenAPI document and its docs pages against tools nobody here wrote: the app as a
# real process on 127.0.0.1 (one loop), serving Swagger UI and ReDoc from the npm packages
# (--docs-assets), which scripts/npm_tools.sh installs into NPM_DIR.
#   /openapi.json: @seriousme/openapi-schema-validator must find it a valid OpenAPI 3.1 document,
#     and must reject three broken copies of it (so the check can fail). That validator does not
#     look inside Schema Objects, so each one must also compile as JSON Schema 2020-12 under
#     Ajv's strict mode, and none may be {} (any JSON); operationIds must be unique, every {param}
#     of a path declared, and the five operations (method, path, summary, operationId) there.
#   /docs and /redoc: their assets must come from /docs-assets/ (curl), and each page is loaded
#     in a headless Chromium (openapi_browser.js, over the DevTools protocol) until Swagger UI
#     shows the five operations and ReDoc lists them.
# Then the server's log must be clean and SIGTERM must end it with 0. Every check prints `ok: ...`
# or `FAIL: ...`; all steps run, and the script exits 1 if any failed.
# Usage: openapi_test.sh PATH_TO_TODO NPM_DIR
set -uo pipefail
hello=$1
npm_dir=$2
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../scripts/hello_process.sh"   # $tmp, cleanup at exit, fail, start_hello
hello_start_seconds=30   # a sanitized build starts slower

show_context() {
    echo "--- the last lines of todo's output:"
    tail -n 30 "$hello_log" 2>/dev/null || true
}

# A missing tool is installed (Debian packages, then npm packages), never skipped.
need() {  # command package
    command -v "$1" >/dev/null && return 0
    echo "installing $2 for $1"
    "$here/../../scripts/deps.sh" "$2" || fail "could not install $2"
    command -v "$1" >/dev/null || fail "$1 is still missing after installing $2"
}
need curl curl
need python3 python3
need node nodejs
need chromium chromium
if [ ! -e /usr/share/nodejs/ws/package.json ]; then
    echo "installing node-ws for Node's ws"
    "$here/../../scripts/deps.sh" node-ws || fail "could not install node-ws"
    [ -e /usr/share/nodejs/ws/package.json ] || fail "/usr/share/nodejs/ws is still missing after installing node-ws"
fi
node -e 'if (typeof fetch !== "function") process.exit(1)' ||
    fail "node $(node --version) has no built-in fetch (Node 18 or later needed)"
"$here/../../scripts/npm_tools.sh" "$npm_dir" || fail "scripts/npm_tools.sh could not install the npm packages into $npm_dir"
node_modules=$(cd "$npm_dir/node_modules" && pwd)

step() { echo "--- $*"; }
ok() { echo "ok: $*"; }
failures=()
failed() { echo "FAIL: $*"; failures+=("$*"); }

# The operations apps/todo must document, as [method, path, summary, operationId].
expected='[["GET", "/todos", "List todos", "get_todos"],
  ["POST", "/todos", "Create a todo", "post_todos"],
  ["GET", "/todos/{id}", "Read a todo", "get_todos_id"],
  ["PUT", "/todos/{id}", "Replace a todo", "put_todos_id"],
  ["DELETE", "/todos/{id}", "Delete a todo", "delete_todos_id"]]'

# Chromium runs in a process group of its own (setsid), so that its zygote and renderers are
# stopped with it; the group is the one this script started, named by its leader's PID.
chromium_pid=
stop_chromium() {
    [ -n "$chromium_pid" ] || return 0
    kill -TERM -- "-$chromium_pid" 2>/dev/null || true
    wait_gone "$chromium_pid" 5 || kill -KILL -- "-$chromium_pid" 2>/dev/null || true
    wait "$chromium_pid" 2>/dev/null || true
    chromium_pid=
}
trap 'stop_chromium; cleanup' EXIT

start_hello /openapi.json --docs-assets "$node_modules"
url=http://127.0.0.1:$port
echo "todo: $hello (pid $pid) on $url, docs assets from $node_modules"

# Runs a node script with a time limit; its FAIL lines go into the summary at the end.
run_node() {  # SECONDS NAME SCRIPT ARGS...  (SCRIPT - reads the script from stdin)
    local seconds=$1 name=$2 script=$3 code line
    shift 3
    timeout "$seconds" node "$script" "$@" | tee "$tmp/node.out"
    code=${PIPESTATUS[0]}
    [ "$code" = 0 ] && return 0
    while IFS= read -r line; do failures+=("${line#FAIL: }"); done < <(grep '^FAIL: ' "$tmp/node.out")
    failed "$name exited with $code$([ "$code" = 124 ] && echo ": timed out after $seconds s")"
}

# Fetches PATH into FILE; true if the answer is 200 with a Content-Type starting with TYPE.
fetch() {  # PATH FILE TYPE
    local got
    got=$(curl -sS --max-time 10 -o "$2" -w '%{http_code} %{content_type}' "$url$1" 2>&1)
    case $got in
        "200 $3"*) ok "GET $1: $got, $(wc -c <"$2") bytes"; return 0 ;;
        *) failed "GET $1: '$got', expected 200 with $3"; return 1 ;;
    esac
}

step "the pages and the assets they load (curl)"
fetch /docs "$tmp/docs.html" text/html
fetch /redoc "$tmp/redoc.html" text/html
for asset in swagger-ui-dist/swagger-ui-bundle.js swagger-ui-dist/swagger-ui.css redoc/bundles/redoc.standalone.js; do
    page=$tmp/docs.html
    [ "${asset%%/*}" = redoc ] && page=$tmp/redoc.html
    if grep -qF "/docs-assets/$asset" "$page" 2>/dev/null; then
        ok "$(basename "$page" .html) loads /docs-assets/$asset"
        fetch "/docs-assets/$asset" "$tmp/asset" ""
    else
        failed "/$(basename "$page" .html) does not load /docs-assets/$asset (is --docs-assets ignored?)"
    fi
done

step "/openapi.json: @seriousme/openapi-schema-validator, Ajv on each Schema Object, our own checks"
if fetch /openapi.json "$tmp/openapi.json" application/json; then
    run_node 60 "node (the document checks)" - "$node_modules" "$tmp/openapi.json" "$expected" <<'JS'
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const [nodeModules, docFile, expectedJson] = process.argv.slice(2);
const ok = what => console.log(`ok: ${what}`);
let failures = 0;
const failed = what => { console.log(`FAIL: ${what}`); failures++; };
const ms = t0 => `${(performance.now() - t0).toFixed(1)} ms`;

const validatorDir = `${nodeModules}/@seriousme/openapi-schema-validator`;
const validatorVersion = JSON.parse(readFileSync(`${validatorDir}/package.json`, 'utf8')).version;
const { Validator } = await import(pathToFileURL(`${validatorDir}/index.js`));
const text = readFileSync(docFile, 'utf8');
let doc;
try {
  doc = JSON.parse(text);
} catch (e) {
  failed(`/openapi.json is not JSON: ${e.message}`);
  process.exit(1);
}
console.log(`the document: ${Buffer.byteLength(text)} bytes, "openapi": ${JSON.stringify(doc.openapi)}`);

// The validator's errors: a string, or Ajv's error objects.
const describe = errors => typeof errors === 'string' ? [errors] : (errors || []).map(e =>
  `${e.instancePath || '/'}: ${e.message} ${JSON.stringify(e.params)} (schema ${e.schemaPath})`);

// 1. The document itself. The first validation compiles the 3.1 schema; the second does not.
{
  const validator = new Validator();
  let t0 = performance.now();
  const res = await validator.validate(structuredClone(doc));
  const first = ms(t0);
  t0 = performance.now();
  await validator.validate(structuredClone(doc));
  const again = ms(t0);
  console.log(`validation took ${first} (the validator compiling its 3.1 schema included), ${again} again`);
  if (res.valid && validator.version === '3.1') {
    ok(`@seriousme/openapi-schema-validator ${validatorVersion}: a valid OpenAPI ${validator.version} document`);
  } else if (res.valid) {
    failed(`the validator read the document as OpenAPI ${validator.version}, not 3.1`);
  } else {
    for (const line of describe(res.errors)) console.log(`  validator: ${line}`);
    const all = await new Validator({ allErrors: true }).validate(structuredClone(doc));
    const lines = describe(all.errors);
    console.log(`  with allErrors (noisy: each branch of a oneOf reports), ${lines.length} error(s):`);
    for (const line of lines.slice(0, 40)) console.log(`    ${line}`);
    failed(`@seriousme/openapi-schema-validator ${validatorVersion} rejects /openapi.json: ${describe(res.errors)[0]}`);
  }
}

// 2. Negative controls: broken copies must be rejected, or the check above proves nothing.
for (const [what, breakIt] of [
  ['without "info"', d => { delete d.info; }],
  ['with "paths" as an array', d => { d.paths = Object.entries(d.paths || {}); }],
  ['whose first operation answers only "2000"', d => {
    const op = Object.values(Object.values(d.paths || {})[0] || {}).find(o => o && o.responses);
    if (op) op.responses = { 2000: { description: 'no such status' } };
    else d.paths = { '/x': { get: { responses: { 2000: { description: 'no such status' } } } } };
  }],
]) {
  const broken = structuredClone(doc);
  breakIt(broken);
  const res = await new Validator().validate(broken);
  if (res.valid) failed(`the validator accepts a copy of the document ${what}`);
  else ok(`the validator rejects a copy ${what}: ${describe(res.errors)[0]}`);
}

// 3. Schema Objects: the validator's 3.1 schema stops at them ("without Schema Object
// validation"), so each must compile under Ajv 2020-12 (the validator's own Ajv) in strict mode,
// knowing the OpenAPI dialect's extra keywords and format names. A $ref resolves in the document.
{
  const require = createRequire(`${validatorDir}/index.js`);
  const Ajv2020 = require('ajv/dist/2020').default;
  const addFormats = require('ajv-formats').default;
  const warnings = [];
  const logger = { log() {}, warn: (...a) => warnings.push(a.join(' ')), error: (...a) => warnings.push(a.join(' ')) };
  const ajv = new Ajv2020({ strictSchema: true, strictNumbers: true, strictTypes: 'log', strictTuples: 'log',
                            strictRequired: 'log', allowUnionTypes: true, validateSchema: true, logger });
  addFormats(ajv);
  for (const k of ['discriminator', 'xml', 'externalDocs', 'example']) ajv.addKeyword(k);
  for (const f of ['int32', 'int64', 'float', 'double', 'password']) ajv.addFormat(f, true);
  // Ajv compiles the root a $ref points into, so the root keeps only the parts holding Schema
  // Objects, under keywords Ajv is told to ignore.
  for (const k of ['components', 'paths']) ajv.addKeyword(k);
  ajv.addSchema({ components: structuredClone(doc.components ?? {}), paths: structuredClone(doc.paths ?? {}) },
                'https://openapi.invalid/openapi.json');

  // Every Schema Object's JSON pointer: components.schemas and the schema of each parameter,
  // request body and response content (a $ref to elsewhere stays a $ref and is followed by Ajv).
  const pointers = [];
  const at = (...keys) => '#' + keys.map(k => '/' + encodeURIComponent(String(k).replaceAll('~', '~0').replaceAll('/', '~1'))).join('');
  const content = (c, ...keys) => { for (const [type, media] of Object.entries(c || {})) if (media && media.schema) pointers.push(at(...keys, type, 'schema')); };
  const params = (list, ...keys) => (list || []).forEach((p, i) => { if (p && p.schema) pointers.push(at(...keys, i, 'schema')); });
  for (const name of Object.keys(doc.components?.schemas || {})) pointers.push(at('components', 'schemas', name));
  for (const [path, item] of Object.entries(doc.paths || {})) {
    params(item.parameters, 'paths', path, 'parameters');
    for (const [method, op] of Object.entries(item)) {
      if (!op || typeof op !== 'object' || !op.responses) continue;
      params(op.parameters, 'paths', path, method, 'parameters');
      content(op.requestBody?.content, 'paths', path, method, 'requestBody', 'content');
      for (const [status, r] of Object.entries(op.responses)) content(r?.content, 'paths', path, method, 'responses', status, 'content');
    }
  }
  // A broken schema in components fails every schema that refers to it too: one line per error.
  const t0 = performance.now();
  const errors = new Map();
  for (const p of pointers) {
    try { ajv.compile({ $ref: `https://openapi.invalid/openapi.json${p}` }); } catch (e) {
      errors.set(e.message, [...(errors.get(e.message) || []), decodeURIComponent(p)]);
    }
  }
  for (const [message, where] of errors) {
    failed(`Schema Object ${where[0]}: ${message}` + (where.length > 1 ? ` (also in ${where.length - 1} more: ${where.slice(1).join(', ')})` : ''));
  }
  if (!errors.size) ok(`${pointers.length} Schema Objects compile as JSON Schema 2020-12 under Ajv's strict mode (${ms(t0)})`);
  for (const w of new Set(warnings)) console.log(`  Ajv warning: ${w}`);
  // {} is a valid schema that says nothing (any JSON at all): apps/todo's handlers are typed, so
  // each parameter, body and response it documents has a type to show.
  const empty = pointers.filter(p => {
    const keys = decodeURIComponent(p).slice(2).split('/').map(k => k.replaceAll('~1', '/').replaceAll('~0', '~'));
    const schema = keys.reduce((o, k) => o?.[k], doc);
    return schema && typeof schema === 'object' && Object.keys(schema).length === 0;
  });
  if (empty.length) failed(`${empty.length} of ${pointers.length} Schema Objects are {} (any JSON): ${empty.map(decodeURIComponent).join(', ')}`);
  else ok(`no Schema Object is {} (each parameter, body and response has a type)`);
  let control = null;
  try { new Ajv2020({ strictSchema: true }).compile({ type: 'double' }); } catch (e) { control = e.message; }
  if (control) ok(`Ajv rejects a Schema Object {"type": "double"}: ${control}`);
  else failed('Ajv accepts a Schema Object {"type": "double"}');
}

// 4. What the JSON schemas cannot say: operationIds unique (OpenAPI 3.1 4.8.10.1), each path
// template's names declared as required path parameters (4.8.12.1), and the expected operations.
{
  const ops = [];
  for (const [path, item] of Object.entries(doc.paths || {})) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'].includes(method)) continue;
      ops.push({ path, method: method.toUpperCase(), op });
      const declared = [...(item.parameters || []), ...(op.parameters || [])]
        .filter(p => p && p.in === 'path').map(p => p.name);
      for (const name of [...path.matchAll(/\{([^}]+)\}/g)].map(m => m[1])) {
        const p = [...(op.parameters || []), ...(item.parameters || [])].find(p => p && p.in === 'path' && p.name === name);
        if (!p) failed(`${method.toUpperCase()} ${path}: no path parameter "${name}" (declared: ${JSON.stringify(declared)})`);
        else if (p.required !== true) failed(`${method.toUpperCase()} ${path}: path parameter "${name}" is not "required": true`);
      }
    }
  }
  const ids = ops.map(o => o.op.operationId).filter(id => id !== undefined);
  const dup = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (dup.length) failed(`operationIds used twice: ${JSON.stringify([...new Set(dup)])}`);
  else ok(`${ids.length} operationIds, all different; path parameters declared for every {name}`);
  for (const [method, path, summary, operationId] of JSON.parse(expectedJson)) {
    const o = ops.find(o => o.method === method && o.path === path);
    if (!o) failed(`no ${method} ${path} in paths (has: ${ops.map(o => `${o.method} ${o.path}`).join(', ')})`);
    else if (o.op.summary !== summary || o.op.operationId !== operationId)
      failed(`${method} ${path}: summary ${JSON.stringify(o.op.summary)}, operationId ${JSON.stringify(o.op.operationId)}; expected ${JSON.stringify(summary)}, ${JSON.stringify(operationId)}`);
    else ok(`${method} ${path}: "${summary}", ${operationId}`);
  }
}
process.exit(failures ? 1 : 0);
JS
fi

step "headless Chromium: $url/docs and $url/redoc (openapi_browser.js)"
profile=$tmp/chromium-profile
mkdir -p "$profile"
setsid timeout 120 chromium --headless=new --no-sandbox --disable-gpu --no-first-run \
    --user-data-dir="$profile" --remote-debugging-port=0 --window-size=1280,1024 about:blank >"$tmp/chromium.log" 2>&1 &
chromium_pid=$!
# With port 0, Chromium picks a free port and writes it on the first line of DevToolsActivePort.
devtools_port=
for _ in $(seq 300); do
    [ -s "$profile/DevToolsActivePort" ] && devtools_port=$(head -n 1 "$profile/DevToolsActivePort")
    [ -n "$devtools_port" ] && break
    kill -0 "$chromium_pid" 2>/dev/null || break
    sleep 0.1
done
if [ -z "$devtools_port" ]; then
    failed "Chromium wrote no DevTools port within 30 s; its output: $(grep -v dbus "$tmp/chromium.log" | tail -n 10)"
else
    run_node 90 openapi_browser.js "$here/openapi_browser.js" "$devtools_port" "$url" "$expected"
fi
stop_chromium
ok "Chromium and its child processes stopped"

step "the server's log and its exit"
kill -0 "$pid" 2>/dev/null || fail "todo died during the checks"
if grep -E "AddressSanitizer|LeakSanitizer|runtime error:|\[(error|critical)\]" "$hello_log"; then
    failed "todo's log shows errors"
else
    ok "no sanitizer report or error in todo's log"
fi
kill -TERM "$pid"
wait_gone "$pid" 15 || fail "todo still runs 15 s after SIGTERM"
wait "$pid"
code=$?
pid=
if [ "$code" = 0 ]; then ok "SIGTERM drains and todo exits 0"; else failed "todo exited with $code after SIGTERM"; fi

if [ ${#failures[@]} -gt 0 ]; then
    echo "openapi_docs: ${#failures[@]} failure(s):"
    printf '  %s\n' "${failures[@]}"
    show_context
    exit 1
fi
echo "openapi_docs: all checks passed"
