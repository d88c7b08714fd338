// Drives alibabacloud-iot-device-sdk (the official Node device SDK) against a Thingyard server, unchanged.
// Usage: node device.js SCENARIO 'JSON args'. Prints one JSON object per line on stdout ({"type":..., ...});
// the last line is {"type":"done"} on success. Exits 2 (after {"type":"timeout"}) when the scenario does not finish in time.
//
// Scenarios (args):
//   connect-post {brokerUrl, productKey, deviceName, deviceSecret, props, event, eventParams, signAlgorithm?}
//   service      {brokerUrl, productKey, deviceName, deviceSecret, services: [{name, output, sync?}], expectProps: bool}
//                prints "ready" once subscribed, answers each call and property set, finishes after all arrived
//   register     {registerURL, productKey, productSecret, deviceName, brokerUrl, props}
//   gateway      {brokerUrl, gateway: triple, sub: triple, props}
//   shadow       {brokerUrl, productKey, deviceName, deviceSecret, reported}
//   config       {brokerUrl, productKey, deviceName, deviceSecret}: getConfig, prints "config_reply", then waits for one
//                pushed configuration (onConfig) and prints "config_push"
//   custom-topics {brokerUrl, productKey, deviceName, deviceSecret, subscribe: [filter], publish: [topic], expectMessages}
//                subscribes to each filter (prints "suback" with the granted QoS, 128 refused), publishes "hello" at QoS 1
//                to each topic (prints "puback"), prints "ready", then prints each "message" and finishes after expectMessages
'use strict';

const iot = require('alibabacloud-iot-device-sdk');
const { print, exit } = require('./output');

const [scenario, rawArgs] = process.argv.slice(2);
const args = JSON.parse(rawArgs || '{}');

function finish(thing) {
  print('done');
  const done = () => exit(0);
  if (thing) thing.end(false, done); else done();
}

setTimeout(() => { print('timeout'); exit(2); }, args.timeoutMs || 20000).unref();

function triple(a) {
  return { productKey: a.productKey, deviceName: a.deviceName, deviceSecret: a.deviceSecret };
}

function device(a) {
  const d = iot.device(Object.assign(triple(a), { brokerUrl: a.brokerUrl, signAlgorithm: a.signAlgorithm }));
  d.on('error', (e) => print('error', { message: String(e && e.message || e) }));
  return d;
}

const scenarios = {
  'connect-post'() {
    const d = device(args);
    d.once('connect', () => {
      print('connected');
      d.postProps(args.props, (res) => {
        print('props_reply', { res });
        d.postEvent(args.event, args.eventParams, (ev) => {
          print('event_reply', { res: ev });
          finish(d);
        });
      });
    });
  },

  service() {
    const d = device(args);
    const waiting = new Set(args.services.map((s) => s.name));
    if (args.expectProps) waiting.add('props');
    const arrived = (what) => { waiting.delete(what); if (waiting.size === 0) finish(d); };
    d.once('connect', () => {
      for (const s of args.services) {
        d.onService(s.name, (res, reply) => {
          print('service', { name: s.name, res });
          reply({ id: res.id, code: 200, data: s.output }, s.sync ? 'sync' : 'async');
          arrived(s.name);
        });
      }
      d.onProps((res) => {
        print('props', { res });
        // The SDK never answers a property set itself: the application does, on property/set_reply.
        d.publish(d.model.ONSET_PROPS_TOPIC + '_reply', JSON.stringify({ id: res.id, code: 200, data: {} }));
        arrived('props');
      });
      // Packets are handled in order: once this reply is back, the subscriptions above are in place.
      d.postProps(args.readyProps || {}, (res) => print('ready', { res }));
    });
  },

  register() {
    iot.register({
      productKey: args.productKey, productSecret: args.productSecret, deviceName: args.deviceName,
      registerURL: args.registerURL, random: args.random,
    }, (res) => {
      const body = res && res.response ? { status: res.response.status, data: res.response.data } : res;
      print('registered', { res: body });
      if (!res || res.code !== 200) { finish(); return; }
      const d = device(Object.assign({}, args, { deviceSecret: res.data.deviceSecret }));
      d.once('connect', () => d.postProps(args.props, (reply) => { print('props_reply', { res: reply }); finish(d); }));
    });
  },

  gateway() {
    const gw = iot.gateway(Object.assign(triple(args.gateway), { brokerUrl: args.brokerUrl }));
    gw.on('error', (e) => print('error', { message: String(e && e.message || e) }));
    gw.once('connect', () => {
      gw.addTopo([triple(args.sub)], (topo) => {
        print('topo_reply', { res: topo });
        gw.getTopo((list) => {
          print('topo_list', { res: list });
          const sub = gw.login(triple(args.sub), (login) => print('login_reply', { res: login }));
          sub.once('connect', () => {
            sub.postProps(args.props, (reply) => {
              print('sub_props_reply', { res: reply });
              gw.logout({ productKey: args.sub.productKey, deviceName: args.sub.deviceName }, (out) => {
                print('logout_reply', { res: out });
                finish(gw);
              });
            });
          });
        });
      });
    });
  },

  shadow() {
    const d = device(args);
    const replies = [];
    d.onShadow((res) => {
      replies.push(res);
      print('shadow', { res });
      if (replies.length === 1) d.getShadow();
      else if (replies.length === 2) d.deleteShadow(Object.keys(args.reported)[0]);
      else if (replies.length === 3) d.getShadow();
      else finish(d);
    });
    d.once('connect', () => d.postShadow(args.reported));
  },

  'custom-topics'() {
    const d = device(args);
    let received = 0;
    d.on('message', (topic, payload) => {
      print('message', { topic, payload: payload.toString() });
      if (++received >= args.expectMessages) finish(d);
    });
    d.once('connect', () => {
      const subscribe = (i) => {
        if (i === args.subscribe.length) { publish(0); return; }
        d.subscribe(args.subscribe[i], { qos: 1 }, (err, granted) => {
          print('suback', { topic: args.subscribe[i], qos: granted && granted[0] ? granted[0].qos : null, error: err ? String(err) : null });
          subscribe(i + 1);
        });
      };
      const publish = (i) => {
        if (i === args.publish.length) {
          print('ready');
          if (!args.expectMessages) finish(d);
          return;
        }
        d.publish(args.publish[i], 'hello', { qos: 1 }, (err) => {
          print('puback', { topic: args.publish[i], error: err ? String(err) : null });
          publish(i + 1);
        });
      };
      subscribe(0);
    });
  },

  config() {
    const d = device(args);
    d.onConfig((res) => { print('config_push', { res }); finish(d); });
    d.once('connect', () => d.getConfig((res) => print('config_reply', { res })));
  },
};

if (!scenarios[scenario]) {
  print('error', { message: `unknown scenario ${scenario}` });
  exit(1);
} else {
  scenarios[scenario]();
}
