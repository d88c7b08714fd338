// Random identifiers in the shapes the platform hands out: ProductKey, secrets, IotId, group ids.
using System.Security.Cryptography;

namespace Thingyard.Common;

public static class Ids
{
    const string Alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static string Alphanumeric(int length) => RandomNumberGenerator.GetString(Alnum, length);

    /// <summary>11 characters starting with "a1", like the public platform's keys.</summary>
    public static string ProductKey() => "a1" + Alphanumeric(9);

    public static string ProductSecret() => Alphanumeric(16);

    public static string DeviceSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static string IotId() => Alphanumeric(20) + "000100";

    public static string GroupId() => Alphanumeric(16);

    /// <summary>A consumer group's id: 26 characters, the length of the platform's.</summary>
    public static string ConsumerGroupId() => Alphanumeric(26);

    public static string AccessKeyId() => "LTAI" + Alphanumeric(20);

    public static string AccessKeySecret() => Alphanumeric(30);

    /// <summary>A numeric account id of 16 digits, the shape of an Alibaba Cloud UID.</summary>
    public static string Uid() => "1" + string.Concat(Enumerable.Range(0, 15).Select(_ => (char)('0' + RandomNumberGenerator.GetInt32(10))));
}
