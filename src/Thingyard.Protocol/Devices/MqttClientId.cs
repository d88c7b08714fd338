// The MQTT client id devices send: "base|key=value,key=value|", base being "pk&dn", "pk.dn" or a free id.
namespace Thingyard.Protocol.Devices;

public sealed record MqttClientId(string Base, IReadOnlyDictionary<string, string> Params)
{
    public string? this[string key] => Params.TryGetValue(key, out var v) ? v : null;

    /// <summary>Splits on '|' and reads the block as comma-separated k=v pairs; unknown keys are kept, never refused.</summary>
    public static MqttClientId Parse(string clientId)
    {
        var bar = clientId.IndexOf('|');
        if (bar < 0) return new MqttClientId(clientId, new Dictionary<string, string>());
        var end = clientId.IndexOf('|', bar + 1);
        var block = end < 0 ? clientId[(bar + 1)..] : clientId[(bar + 1)..end];
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in block.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=');
            if (eq > 0) pairs[part[..eq]] = part[(eq + 1)..];
        }
        return new MqttClientId(clientId[..bar], pairs);
    }
}
