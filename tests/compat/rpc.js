// Calls one OpenAPI action on a Thingyard server with an official Alibaba SDK and prints the outcome as JSON.
// usage: node rpc.js <mode> <Action> '<params json>'
//   modes: pop-get | pop-post (pop-core, v1 HMAC-SHA1), v3 | v3-body (openapi-client ACS3-HMAC-SHA256, params in
//   query or form body), v3-v1sig (openapi-client with signatureAlgorithm 'v2', i.e. v1 signing), typed (iot20180120 model method)
// env: THINGYARD_ENDPOINT (http://127.0.0.1:PORT), THINGYARD_AK, THINGYARD_SK
'use strict';
const [mode, action, json] = process.argv.slice(2);
const params = JSON.parse(json || '{}');
const endpoint = process.env.THINGYARD_ENDPOINT;
const accessKeyId = process.env.THINGYARD_AK;
const accessKeySecret = process.env.THINGYARD_SK;

// The SDK defaults (3 s read) are for a quiet network; the test machine runs many servers at once.
const readTimeout = 30000, connectTimeout = 10000;

function print(result) { process.stdout.write(JSON.stringify(result) + '\n'); }

function fail(e) {
  print({ ok: false, code: e.code || e.name, message: e.message, data: e.data || null });
}

// Flattens arrays the way the SDKs do: Key.1, Key.2 and Key.N.Sub for objects.
function flatten(p) {
  const out = {};
  for (const [k, v] of Object.entries(p)) {
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        if (item && typeof item === 'object') for (const [sk, sv] of Object.entries(item)) out[`${k}.${i + 1}.${sk}`] = String(sv);
        else out[`${k}.${i + 1}`] = String(item);
      });
    } else out[k] = String(v);
  }
  return out;
}

function camel(p) {
  if (Array.isArray(p)) return p.map(camel);
  if (!p || typeof p !== 'object') return p;
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k[0].toLowerCase() + k.slice(1), camel(v)]));
}

async function pop(method) {
  const RPCClient = require('@alicloud/pop-core').RPCClient;
  const client = new RPCClient({ accessKeyId, accessKeySecret, endpoint, apiVersion: '2018-01-20' });
  return client.request(action, params, { method, timeout: readTimeout });
}

function v3Client(signatureAlgorithm) {
  const { Config } = require('@alicloud/openapi-client');
  const Iot = require('@alicloud/iot20180120');
  const url = new URL(endpoint);
  const config = new Config({ accessKeyId, accessKeySecret, endpoint: url.host, protocol: 'http', regionId: 'cn-shanghai' });
  if (signatureAlgorithm) config.signatureAlgorithm = signatureAlgorithm;
  return new Iot.default(config);
}

async function generic(inBody, signatureAlgorithm) {
  const OpenApi = require('@alicloud/openapi-client');
  const OpenApiUtil = require('@alicloud/openapi-util').default;
  const { RuntimeOptions } = require('@alicloud/tea-util');
  const client = v3Client(signatureAlgorithm);
  const flat = flatten(params);
  const request = new OpenApi.OpenApiRequest(inBody ? { body: flat } : { query: OpenApiUtil.query(flat) });
  const apiParams = new OpenApi.Params({
    action, version: '2018-01-20', protocol: 'HTTP', pathname: '/', method: 'POST', authType: 'AK',
    style: 'RPC', reqBodyType: 'formData', bodyType: 'json',
  });
  const res = await client.callApi(apiParams, request, new RuntimeOptions({ readTimeout, connectTimeout }));
  return res.body;
}

async function typed() {
  const Iot = require('@alicloud/iot20180120');
  const client = v3Client();
  const method = action[0].toLowerCase() + action.slice(1);
  const { RuntimeOptions } = require('@alicloud/tea-util');
  const runtime = new RuntimeOptions({ readTimeout, connectTimeout });
  const res = await client[method + 'WithOptions'](new Iot[action + 'Request'](camel(params)), runtime);
  return res.body.toMap();
}

(async () => {
  try {
    let body;
    switch (mode) {
      case 'pop-get': body = await pop('GET'); break;
      case 'pop-post': body = await pop('POST'); break;
      case 'v3': body = await generic(false); break;
      case 'v3-body': body = await generic(true); break;
      case 'v3-v1sig': body = await generic(false, 'v2'); break;
      case 'typed': body = await typed(); break;
      default: throw new Error('unknown mode ' + mode);
    }
    print({ ok: true, body });
  } catch (e) {
    fail(e);
  }
})();
