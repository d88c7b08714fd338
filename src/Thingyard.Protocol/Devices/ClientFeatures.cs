// What a device's MQTT client id asks of the platform beyond authentication, read from its "|k=v,...|" block.
namespace Thingyard.Protocol.Devices;

/// <param name="AutoSubscribe">_ss=1: the platform subscribes the client to its system topics itself. The C Link SDK
/// 3.x/4.x and Python LinkKit set it and never send SUBSCRIBE for /sys/... topics; a gateway's logged-in sub-devices
/// are covered too.</param>
/// <param name="ExtRrpc">ext bit 0 (C 4.x sends ext=3, Python ext=1): synchronous calls travel as
/// /ext/rrpc/{id}/{original topic} and are answered on that same topic, not on /sys/pk/dn/rrpc/request/{id}.</param>
public readonly record struct ClientFeatures(bool AutoSubscribe, bool ExtRrpc)
{
    public static ClientFeatures Of(MqttClientId id) => new(
        id["_ss"] == "1",
        int.TryParse(id["ext"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ext) && (ext & 1) == 1);
}
