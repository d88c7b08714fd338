// Decides an MQTT CONNECT from its client id, username and password, accepting every variant the official SDKs send.
// Failed checks count against the remote address and the device (AuthThrottle); past the limits a CONNECT is refused
// before any lookup or HMAC.
using Thingyard.Accounts;
using Thingyard.Protocol.Devices;
using Thingyard.Protocol.Signing;

namespace Thingyard.Connectivity;

public sealed class DeviceAuthenticator(DeviceDirectory directory, AuthThrottle? throttle = null)
{
    public const int DefaultMinKeepAlive = 30; // the platform accepts 30..1200 s
    public const int MaxKeepAlive = 1200;

    /// <summary>Checks CONNECTs that authenticate with ID² (none: such CONNECTs are refused).</summary>
    public IId2Login? Id2 { get; init; }

    /// <summary>Shortest keepalive accepted (Thingyard:Mqtt:MinKeepAliveSeconds).</summary>
    public int MinKeepAlive { get; init; } = DefaultMinKeepAlive;

    /// <summary><paramref name="remote"/> is the client's address (text), for the per-address limit; without it only the
    /// per-device limit applies.</summary>
    public async Task<ConnectDecision> DecideAsync(string clientId, string? username, string? password, int keepAliveSeconds,
        CancellationToken ct = default, string? remote = null)
    {
        var id = MqttClientId.Parse(clientId);
        var named = TryParseUsername(username, out var deviceName, out var productKey);
        var identity = named ? $"device {productKey}/{deviceName}" : null;
        if (throttle?.Blocked(remote, identity) is { } wait)
            return ConnectDecision.Refuse(ConnectRefusal.Throttled, $"too many failed attempts; refused for {Math.Ceiling(wait.TotalSeconds)} s more");
        if (!named)
            return Failed(remote, identity, "username must be deviceName&productKey");
        if (string.IsNullOrEmpty(password))
            return Failed(remote, identity, "password is empty");

        var authType = id["authType"];
        if (authType is "register" or "regnwl")
            return ConnectDecision.Register(new DynamicRegistrationRequest(productKey, deviceName, authType, id["random"] ?? "",
                id["signmethod"], password, id.Base));

        if (keepAliveSeconds < MinKeepAlive || keepAliveSeconds > MaxKeepAlive)
            return ConnectDecision.Refuse(ConnectRefusal.BadRequest, $"keepalive {keepAliveSeconds}s is outside {MinKeepAlive}..{MaxKeepAlive}s");

        if (IId2Login.Requested(id))
        {
            if (Id2 is null) return Failed(remote, identity, "ID² authentication is not available");
            var decision = await Id2.DecideAsync(productKey, deviceName, id, password, ct);
            if (decision.Refusal == ConnectRefusal.BadCredentials) throttle?.Failed(remote, identity);
            return decision;
        }

        var device = await directory.FindAsync(productKey, deviceName, ct);
        if (device is null) return Failed(remote, identity, "no such device");

        bool ok;
        if (authType == "connwl")
        {
            ok = device.DeviceToken is { } token && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.UTF8.GetBytes(token), System.Text.Encoding.UTF8.GetBytes(password));
        }
        else
        {
            var signed = DeviceSignature.ConnectFields(id.Base, productKey, deviceName, id["timestamp"]);
            ok = DeviceSignature.Verify(device.DeviceSecret, id["signmethod"], signed, password);
        }
        if (!ok) return Failed(remote, identity, "signature does not match");
        return ConnectDecision.ForState(device) ?? ConnectDecision.Session(device, ClientFeatures.Of(id));
    }

    /// <summary>Whether CONNECTs from this address are refused for now (the broker may drop such a client early).</summary>
    public bool IsThrottled(string? remote) => throttle?.Blocked(remote, null) is not null;

    ConnectDecision Failed(string? remote, string? identity, string reason)
    {
        throttle?.Failed(remote, identity);
        return ConnectDecision.Refuse(ConnectRefusal.BadCredentials, reason);
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
