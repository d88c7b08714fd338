// The credentials of an AMQP server-side subscription client, as Alibaba's "Connect an AMQP client" documents them:
// user name "clientId|authMode=aksign,signMethod=...,timestamp=...,authId=AK,iotInstanceId=...,consumerGroupId=...|"
// and password base64(HMAC(AccessKeySecret, "authId=AK&timestamp=T")). The server checks it, the CLI's consumer signs it.
using System.Security.Cryptography;
using System.Text;
using Thingyard.Protocol.Devices;

namespace Thingyard.Protocol.Signing;

public static class AmqpSignature
{
    public static string UserName(string clientId, string accessKeyId, long timestamp, string consumerGroupId, string? iotInstanceId = null, string signMethod = "hmacsha1") =>
        $"{clientId}|authMode=aksign,signMethod={signMethod},timestamp={timestamp},authId={accessKeyId},iotInstanceId={iotInstanceId},consumerGroupId={consumerGroupId}|";

    public static string Content(string accessKeyId, string timestamp) => $"authId={accessKeyId}&timestamp={timestamp}";

    /// <summary>The password for <paramref name="signMethod"/> (hmacsha1, hmacsha256 or hmacmd5); null for another method.</summary>
    public static string? Password(string signMethod, string accessKeySecret, string accessKeyId, string timestamp)
    {
        var key = Encoding.UTF8.GetBytes(accessKeySecret);
        var data = Encoding.UTF8.GetBytes(Content(accessKeyId, timestamp));
        byte[]? mac = DeviceSignature.Normalize(signMethod) switch
        {
            "hmacsha1" => HMACSHA1.HashData(key, data),
            "hmacsha256" => HMACSHA256.HashData(key, data),
            "hmacmd5" => HMACMD5.HashData(key, data),
            _ => null,
        };
        return mac is null ? null : Convert.ToBase64String(mac);
    }

    /// <summary>The parts of a user name; Problem says what is missing or wrong (null when it reads).</summary>
    public sealed record Parsed(string ClientId, string? SignMethod, string? Timestamp, string? AccessKeyId, string? IotInstanceId, string? ConsumerGroupId, string? Problem);

    public static Parsed Parse(string userName)
    {
        var id = MqttClientId.Parse(userName);
        string? problem = null;
        if (id.Params.Count == 0) problem = "the user name is not clientId|authMode=aksign,...|";
        else if (id["authMode"] != "aksign") problem = $"authMode {id["authMode"] ?? "(missing)"} is not aksign";
        else if (DeviceSignature.Normalize(id["signMethod"]) is null) problem = $"signMethod {id["signMethod"] ?? "(missing)"} is not hmacsha1, hmacsha256 or hmacmd5";
        else if (string.IsNullOrEmpty(id["timestamp"]) || !id["timestamp"]!.All(char.IsAsciiDigit)) problem = "timestamp is missing or not a number";
        else if (string.IsNullOrEmpty(id["authId"])) problem = "authId (the AccessKey id) is missing";
        else if (string.IsNullOrEmpty(id["consumerGroupId"])) problem = "consumerGroupId is missing";
        return new Parsed(id.Base, id["signMethod"], id["timestamp"], id["authId"], id["iotInstanceId"], id["consumerGroupId"], problem);
    }
}
