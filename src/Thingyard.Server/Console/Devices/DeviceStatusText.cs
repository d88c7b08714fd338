// How the console names and colours a device's status (the API's ONLINE, OFFLINE, UNACTIVE, DISABLE).
using MudBlazor;
using Thingyard.Registry;

namespace Thingyard.Server.Console.Devices;

public static class DeviceStatusText
{
    /// <summary>The status filter's choices: the API's value and the word shown.</summary>
    public static readonly (string Value, string Label)[] Choices =
    [
        (DeviceStatus.Online, "online"), (DeviceStatus.Offline, "offline"), (DeviceStatus.Unactive, "unactive"), (DeviceStatus.Disabled, "disabled"),
    ];

    public static string Label(string? status) => Choices.FirstOrDefault(c => c.Value == status).Label ?? status?.ToLowerInvariant() ?? "—";

    public static Color Colour(string? status) => status switch
    {
        DeviceStatus.Online => Color.Success,
        DeviceStatus.Disabled => Color.Error,
        DeviceStatus.Offline => Color.Default,
        _ => Color.Info,
    };

    public static string NodeType(int nodeType) => nodeType == 1 ? "gateway" : "device";
}
