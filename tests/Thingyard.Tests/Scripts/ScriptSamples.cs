// A data parsing script for ConnectivityCalls.SampleTsl written the way Alibaba's documentation teaches (signed bytes
// masked with & 0xff, a DataView over a Uint8Array), and the frames of its little binary protocol:
//   0x00 report     id:int32 temperature:int16 (tenths) mode:uint8   -> thing.event.property.post
//   0x01 set        id:int32 temperature:int16 (tenths) mode:uint8    <- thing.service.property.set (0x7fff / 0xff: absent)
//   0x02 report ack id:int32 code:uint8                               <- the platform's reply (code 200 -> 0xc8)
//   0x03 set ack    id:int32 code:uint8                               -> the device's reply to a set or a service call
//   0x04 service    id:int32 n:uint8                                  <- thing.service.{ping,reboot} (n or delay)
// transformPayload turns "key=value;key=value" text on /user/update into {"key":value,...}.
namespace Thingyard.Tests.Scripts;

public static class ScriptSamples
{
    public const string Script = """
    function rawDataToProtocol(bytes) {
        var u = new Uint8Array(bytes.length);
        for (var i = 0; i < bytes.length; i++) u[i] = bytes[i] & 0xff;
        var view = new DataView(u.buffer, 0);
        var cmd = u[0];
        if (cmd === 0x00) {
            return { method: 'thing.event.property.post', version: '1.0', id: '' + view.getInt32(1),
                     params: { temperature: view.getInt16(5) / 10, mode: u[7] } };
        }
        if (cmd === 0x03) {
            return { id: '' + view.getInt32(1), version: '1.0', code: u[5], data: {} };
        }
        throw new Error('unknown command ' + cmd);
    }

    function protocolToRawData(json) {
        var out = [];
        var id = parseInt(json.id, 10);
        if (json.method === 'thing.service.property.set') {
            var p = json.params;
            var t = p.temperature === undefined ? 0x7fff : Math.round(p.temperature * 10);
            out = [0x01, (id >> 24) & 0xff, (id >> 16) & 0xff, (id >> 8) & 0xff, id & 0xff, (t >> 8) & 0xff, t & 0xff,
                   p.mode === undefined ? 0xff : p.mode];
        } else if (json.method && json.method.indexOf('thing.service.') === 0) {
            var arg = json.params.n !== undefined ? json.params.n : json.params.delay;
            out = [0x04, (id >> 24) & 0xff, (id >> 16) & 0xff, (id >> 8) & 0xff, id & 0xff, arg & 0xff];
        } else {
            out = [0x02, (id >> 24) & 0xff, (id >> 16) & 0xff, (id >> 8) & 0xff, id & 0xff, json.code];
        }
        return out;
    }

    function transformPayload(topic, bytes) {
        var text = '';
        for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i] & 0xff);
        var result = { topic: topic.substring(topic.lastIndexOf('/') + 1) };
        var pairs = text.split(';');
        for (var j = 0; j < pairs.length; j++) {
            var kv = pairs[j].split('=');
            result[kv[0]] = isNaN(Number(kv[1])) ? kv[1] : Number(kv[1]);
        }
        return result;
    }
    """;

    /// <summary>A report frame: id, temperature in tenths of a degree (big-endian int16), mode.</summary>
    public static byte[] Report(int id, short tenths, byte mode) =>
        [0x00, (byte)(id >> 24), (byte)(id >> 16), (byte)(id >> 8), (byte)id, (byte)(tenths >> 8), (byte)tenths, mode];

    public static byte[] SetAck(int id, byte code) => [0x03, (byte)(id >> 24), (byte)(id >> 16), (byte)(id >> 8), (byte)id, code];
}
