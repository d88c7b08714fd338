// The platform's rule for a DeviceName, the one naming rule a device-side program needs (to refuse a name the
// platform would refuse before registering it).
using System.Text.RegularExpressions;

namespace Thingyard.Protocol.Devices;

public static partial class DeviceNames
{
    [GeneratedRegex(@"^[A-Za-z0-9\-_@.:]{4,32}$")]
    private static partial Regex Pattern();

    /// <summary>4 to 32 characters from letters, digits and - _ @ . :</summary>
    public static bool IsValid(string name) => Pattern().IsMatch(name);
}
