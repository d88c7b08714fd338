// The MQTT CONNECT of a device that proves itself with its ID² instead of a DeviceSecret (client id "authtype=id2" or
// securemode 8, as the C Link SDK sends with ID²). DeviceAuthenticator hands such a CONNECT to this interface; the ID²
// area implements it (Id2.Id2DeviceLogin).
using Thingyard.Protocol.Devices;

namespace Thingyard.Connectivity;

public interface IId2Login
{
    Task<ConnectDecision> DecideAsync(string productKey, string deviceName, MqttClientId clientId, string password, CancellationToken ct);

    /// <summary>Whether a CONNECT with this client id authenticates with ID².</summary>
    public static bool Requested(MqttClientId id) =>
        string.Equals(id["authtype"] ?? id["authType"], "id2", StringComparison.OrdinalIgnoreCase) || id["securemode"] == "8";
}
