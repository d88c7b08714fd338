// An AMQP server-side subscription client written only from Alibaba's documentation ("Connect an AMQP client to IoT
// Platform" and its Node.js sample): rhea, SASL PLAIN with the aksign user name and the HMAC password, idle_time_out in
// the open frame, one receiver link with no address, messages read from application_properties and a data body, each
// accepted with context.delivery.accept().
// Usage: node amqp.js consume 'JSON args'. Prints one JSON object per line ({"type":..., ...}):
//   connected, ready (receiver open), message {topic, messageId, generateTime, body, at}, refused {error}, done.
// Args: {host, port, tls, accessKeyId, accessKeySecret, consumerGroupId, clientId, iotInstanceId, signMethod,
//        count (finish after this many messages), quietMs (then wait this long for duplicates), accept (default true),
//        idleTimeOut, timeoutMs, reconnect, presettled (the receiver asks for settled deliveries: at most once)}
'use strict';

const container = require('rhea');
const crypto = require('crypto');
const { print, exit } = require('./output');

const [scenario, rawArgs] = process.argv.slice(2);
const args = JSON.parse(rawArgs || '{}');

setTimeout(() => { print('timeout'); exit(2); }, args.timeoutMs || 20000).unref();

function sign(method, key, content) {
  const algorithm = { hmacsha1: 'sha1', hmacsha256: 'sha256', hmacmd5: 'md5' }[method];
  return Buffer.from(crypto.createHmac(algorithm, key).update(content).digest()).toString('base64');
}

if (scenario !== 'consume') { print('error', { message: 'unknown scenario ' + scenario }); exit(1); return; } // (a module's top level may return)

const timestamp = Date.now();
const signMethod = args.signMethod || 'hmacsha1';
const connection = container.connect({
  host: args.host,
  port: args.port,
  transport: args.tls === false ? 'tcp' : 'tls',
  rejectUnauthorized: false, // the test server's certificate is self-signed
  reconnect: args.reconnect === true,
  idle_time_out: args.idleTimeOut === undefined ? 60000 : args.idleTimeOut,
  username: `${args.clientId}|authMode=aksign,signMethod=${signMethod},timestamp=${timestamp},authId=${args.accessKeyId},` +
    `iotInstanceId=${args.iotInstanceId || ''},consumerGroupId=${args.consumerGroupId}|`,
  password: sign(signMethod, args.accessKeySecret, `authId=${args.accessKeyId}&timestamp=${timestamp}`),
});
connection.open_receiver(args.presettled ? { autoaccept: false, snd_settle_mode: 1 } : { autoaccept: false });

let received = 0;
container.on('connection_open', () => print('connected'));
container.on('receiver_open', () => print('ready'));
container.on('message', (context) => {
  const msg = context.message;
  const props = msg.application_properties || {};
  const body = msg.body && msg.body.content !== undefined ? Buffer.from(msg.body.content).toString() : String(msg.body);
  print('message', { topic: props.topic, messageId: props.messageId, id: msg.message_id, generateTime: props.generateTime, body, at: Date.now() });
  if (args.accept !== false && !args.presettled) context.delivery.accept();
  received++;
  if (args.count && received === args.count) {
    setTimeout(() => { print('done', { received }); connection.close(); setTimeout(() => exit(0), 200); }, args.quietMs || 0);
  }
});
function refused(context) {
  const error = context.error || (context.connection && context.connection.error) || (context.receiver && context.receiver.error);
  print('refused', { error: error ? String(error.description || error.condition || error.message || error) : 'closed' });
  if (!args.reconnect) exit(0);
}
container.on('connection_error', refused);
container.on('receiver_error', refused);
container.on('disconnected', (context) => { if (received < (args.count || 0) || !args.count) refused(context); });
