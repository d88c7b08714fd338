// Checks the HMAC a device signs its connect (or sub-device login) with, in every variant the official SDKs produce.
using System.Security.Cryptography;
using System.Text;

namespace Thingyard.Protocol.Signing;

public static class DeviceSignature
{
    /// <summary>
    /// Content is the sent parameters sorted by name, name+value concatenated (clientId, deviceName, productKey,
    /// timestamp when present). The declared method is tried first, then HMAC-SHA1: the Node SDK declares
    /// hmacsha256 but always signs with SHA-1. Hex is compared case-insensitively (the C SDK sends upper case).
    /// </summary>
    public static bool Verify(string secret, string? signMethod, IReadOnlyDictionary<string, string> signed, string signature)
    {
        var content = Content(signed);
        var declared = Normalize(signMethod);
        if (declared is not null && Matches(declared, secret, content, signature)) return true;
        return declared != "hmacsha1" && Matches("hmacsha1", secret, content, signature);
    }

    /// <summary>The fields a CONNECT password signs: clientId (the id's base), deviceName, productKey and, when sent,
    /// timestamp.</summary>
    public static Dictionary<string, string> ConnectFields(string clientIdBase, string productKey, string deviceName, string? timestamp)
    {
        var fields = new Dictionary<string, string> { ["clientId"] = clientIdBase, ["deviceName"] = deviceName, ["productKey"] = productKey };
        if (timestamp is not null) fields["timestamp"] = timestamp;
        return fields;
    }

    /// <summary>The fields a dynamic registration's sign covers (keyed with the ProductSecret).</summary>
    public static Dictionary<string, string> RegistrationFields(string productKey, string deviceName, string random) =>
        new() { ["deviceName"] = deviceName, ["productKey"] = productKey, ["random"] = random };

    public static string Content(IReadOnlyDictionary<string, string> signed) =>
        string.Concat(signed.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + p.Value));

    public static string Sign(string method, string secret, string content)
    {
        var key = Encoding.UTF8.GetBytes(secret);
        var data = Encoding.UTF8.GetBytes(content);
        var mac = Normalize(method) switch
        {
            "hmacmd5" => HMACMD5.HashData(key, data),
            "hmacsha256" => HMACSHA256.HashData(key, data),
            _ => HMACSHA1.HashData(key, data),
        };
        return Convert.ToHexStringLower(mac);
    }

    /// <summary>hmacSha256, HMACSHA256 and sha256 all mean hmacsha256; unknown methods give null.</summary>
    public static string? Normalize(string? method) => method?.ToLowerInvariant() switch
    {
        "hmacmd5" or "md5" => "hmacmd5",
        "hmacsha1" or "sha1" => "hmacsha1",
        "hmacsha256" or "sha256" => "hmacsha256",
        _ => null,
    };

    static bool Matches(string method, string secret, string content, string signature) =>
        CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(Sign(method, secret, content)),
            Encoding.ASCII.GetBytes(signature.ToLowerInvariant()));
}
