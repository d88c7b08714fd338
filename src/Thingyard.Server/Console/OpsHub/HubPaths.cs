// Where the hub is: the project and section in the address, and the theme a skin makes.
using Microsoft.AspNetCore.Components;
using MudBlazor;
using Thingyard.OpsHub;

namespace Thingyard.Server.Console.OpsHub;

public static class HubPaths
{
    /// <summary>The project of /console/projects/{id}/hub/...</summary>
    public static string ProjectOf(NavigationManager nav) => Segments(nav) is { Length: > 2 } s ? Uri.UnescapeDataString(s[2]) : "";

    /// <summary>"" for the overview, "/tables", "/devices" (and a device under it), "/users" or "/skin".</summary>
    public static string Section(NavigationManager nav) => Segments(nav) is { Length: > 4 } s ? "/" + s[4] : "";

    public static MudTheme Theme(HubSkin skin) => new()
    {
        PaletteLight = new PaletteLight { Primary = skin.Color, AppbarBackground = skin.Color },
    };

    static string[] Segments(NavigationManager nav) =>
        nav.ToBaseRelativePath(nav.Uri).Split('?', '#')[0].Split('/', StringSplitOptions.RemoveEmptyEntries);
}
