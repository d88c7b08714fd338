// Decides an MQTT CONNECT from its client id, username and password, accepting every variant the official SDKs send.
namespace Thingyard.Connectivity;

public sealed class DeviceAuthenticator(DeviceDirectory directory)
{
    public const int DefaultMinKeepAlive = 30; // the platform accepts 30..1200 s
    public const int MaxKeepAlive = 1200;

    /// <summary>Shortest keepalive accepted (Thingyard:Mqtt:MinKeepAliveSeconds).</summary>
    public int MinKeepAlive { get; init; } = DefaultMinKeepAlive;

    public async Task<ConnectDecision> DecideAsync(string clientId, string? username, string? password, int keepAliveSeconds, CancellationToken ct = default)
    {
        var id = MqttClientId.Parse(clientId);
        if (!TryParseUsername(username, out var deviceName, out var productKey))
            return ConnectDecision.Refuse(ConnectRefusal.BadCredentials, "username must be deviceName&productKey");
        if (string.IsNullOrEmpty(password))
            return ConnectDecision.Refuse(ConnectRefusal.BadCredentials, "password is empty");

        var authType = id["authType"];
        if (authType is "register" or "regnwl")
            return ConnectDecision.Register(new DynamicRegistrationRequest(productKey, deviceName, authType, id["random"] ?? "",
                id["signmethod"], password, id.Base));

        if (keepAliveSeconds < MinKeepAlive || keepAliveSeconds > MaxKeepAlive)
            return ConnectDecision.Refuse(ConnectRefusal.BadRequest, $"keepalive {keepAliveSeconds}s is outside {MinKeepAlive}..{MaxKeepAlive}s");

        var device = await directory.FindAsync(productKey, deviceName, ct);
        if (device is null) return ConnectDecision.Refuse(ConnectRefusal.BadCredentials, "no such device");

        bool ok;
        if (authType == "connwl")
        {
            ok = device.DeviceToken is { } token && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.UTF8.GetBytes(token), System.Text.Encoding.UTF8.GetBytes(password));
        }
        else
        {
            var signed = new Dictionary<string, string> { ["clientId"] = id.Base, ["deviceName"] = deviceName, ["productKey"] = productKey };
            if (id["timestamp"] is { } ts) signed["timestamp"] = ts;
            ok = DeviceSignature.Verify(device.DeviceSecret, id["signmethod"], signed, password);
        }
        if (!ok) return ConnectDecision.Refuse(ConnectRefusal.BadCredentials, "signature does not match");
        if (device.Status == Registry.DeviceStatus.Disabled) return ConnectDecision.Refuse(ConnectRefusal.NotAuthorized, "device is disabled");
        if (device.DistributedAway) return ConnectDecision.Refuse(ConnectRefusal.NotAuthorized, "device was distributed to another instance; bootstrap again");
        return ConnectDecision.Session(device, ClientFeatures.Of(id));
    }

    /// <summary>"deviceName&amp;productKey"; neither part may contain '&amp;'.</summary>
    public static bool TryParseUsername(string? username, out string deviceName, out string productKey)
    {
        deviceName = productKey = "";
        if (username is null) return false;
        var amp = username.LastIndexOf('&');
        if (amp <= 0 || amp == username.Length - 1) return false;
        deviceName = username[..amp];
        productKey = username[(amp + 1)..];
        return true;
    }
}
