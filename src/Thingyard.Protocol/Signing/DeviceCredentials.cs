// The MQTT CONNECT credentials a device signs with its triplet, as the official SDKs build them:
// client id "{pk}&{dn}|securemode=3,signmethod=hmacsha1,timestamp=...|", user name "{dn}&{pk}", password the hex HMAC of
// the sorted signed fields (see DeviceSignature). The server checks them with DeviceSignature.Verify.
using System.Globalization;
using Thingyard.Protocol.Devices;

namespace Thingyard.Protocol.Signing;

public sealed record MqttCredentials(string ClientId, string UserName, string Password);

/// <summary>How the CONNECT is signed. The defaults are the Node SDK's (plain TCP, HMAC-SHA1, ms timestamp).</summary>
public sealed record CredentialOptions
{
    /// <summary>hmacsha1, hmacsha256 or hmacmd5, as written in the client id.</summary>
    public string SignMethod { get; init; } = "hmacsha1";
    /// <summary>2 over TLS, 3 over plain TCP.</summary>
    public string SecureMode { get; init; } = "3";
    /// <summary>Milliseconds since 1970; null leaves the timestamp out of the client id and the signature.</summary>
    public long? Timestamp { get; init; }
    /// <summary>Client id base before '|'; null means "{pk}&amp;{dn}".</summary>
    public string? ClientIdBase { get; init; }
    /// <summary>Further k=v pairs in the |...| block (e.g. _ss=1 for platform-side subscription, ext=1 for the ext RRPC form,
    /// lan, _v); they are not signed.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Extra { get; init; } = [];
}

public static class DeviceCredentials
{
    public static MqttCredentials Create(DeviceTriplet device, CredentialOptions? options = null)
    {
        var o = options ?? new CredentialOptions();
        var idBase = o.ClientIdBase ?? $"{device.ProductKey}&{device.DeviceName}";
        var timestamp = o.Timestamp?.ToString(CultureInfo.InvariantCulture);
        var password = DeviceSignature.Sign(o.SignMethod, device.DeviceSecret, ConnectContent(idBase, device.ProductKey, device.DeviceName, timestamp));
        var block = $"securemode={o.SecureMode},signmethod={o.SignMethod}" + (timestamp is null ? "" : ",timestamp=" + timestamp)
            + string.Concat(o.Extra.Select(p => $",{p.Key}={p.Value}"));
        return new MqttCredentials($"{idBase}|{block}|", $"{device.DeviceName}&{device.ProductKey}", password);
    }

    /// <summary>What the CONNECT password signs: clientId, deviceName, productKey and timestamp (when sent), sorted by name.</summary>
    public static string ConnectContent(string clientIdBase, string productKey, string deviceName, string? timestamp) =>
        DeviceSignature.Content(DeviceSignature.ConnectFields(clientIdBase, productKey, deviceName, timestamp));

    /// <summary>The sign of a dynamic registration (HTTPS /auth/register/device or MQTT): deviceName, productKey and random,
    /// keyed with the ProductSecret.</summary>
    public static string RegistrationSign(string signMethod, string productSecret, string productKey, string deviceName, string random) =>
        DeviceSignature.Sign(signMethod, productSecret, DeviceSignature.Content(DeviceSignature.RegistrationFields(productKey, deviceName, random)));
}
