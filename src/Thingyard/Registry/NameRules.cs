// The platform's naming rules for products, devices, nicknames and groups, with the message a user sees when one fails.
using System.Text.RegularExpressions;
using Thingyard.Common;
using Thingyard.Protocol.Devices;

namespace Thingyard.Registry;

public static partial class NameRules
{
    [GeneratedRegex(@"^[\p{IsCJKUnifiedIdeographs}\p{IsCJKSymbolsandPunctuation}A-Za-z0-9_\-@()（）]+$")]
    private static partial Regex ProductNameChars();

    [GeneratedRegex(@"^[\p{IsCJKUnifiedIdeographs}A-Za-z0-9_]+$")]
    private static partial Regex NicknameChars();

    public static bool IsValidDeviceName(string name) => DeviceNames.IsValid(name);

    public static void CheckDeviceName(string name)
    {
        if (!IsValidDeviceName(name))
            throw new IotException(IotErrors.InvalidDeviceName,
                $"DeviceName '{name}' is invalid: use 4 to 32 characters from letters, digits and - _ @ . :");
    }

    /// <summary>4-30 characters where a CJK character counts as two; letters, digits, CJK, _ - @ ( ).</summary>
    public static void CheckProductName(string name)
    {
        var width = WeightedLength(name);
        if (width < 4 || width > 30 || !ProductNameChars().IsMatch(name))
            throw new IotException(IotErrors.InvalidProductName,
                $"ProductName '{name}' is invalid: use 4 to 30 characters (a Chinese character counts as 2) from letters, digits, Chinese characters and _ - @ ( ).");
    }

    public static void CheckNickname(string nickname)
    {
        var width = WeightedLength(nickname);
        if (width < 4 || width > 64 || !NicknameChars().IsMatch(nickname))
            throw new IotException(IotErrors.InvalidNickname,
                $"Nickname '{nickname}' is invalid: use 4 to 64 characters (a Chinese character counts as 2) from letters, digits, Chinese characters and _.");
    }

    public static void CheckGroupName(string name)
    {
        var width = WeightedLength(name);
        if (width < 4 || width > 30 || !NicknameChars().IsMatch(name))
            throw new IotException(IotErrors.InvalidGroupName,
                $"GroupName '{name}' is invalid: use 4 to 30 characters (a Chinese character counts as 2) from letters, digits, Chinese characters and _.");
    }

    /// <summary>A name's length as the platform counts it: a CJK character (from U+2E80) counts as two.</summary>
    public static int WeightedLength(string s) => s.Sum(c => c > 0x2E80 ? 2 : 1);
}
