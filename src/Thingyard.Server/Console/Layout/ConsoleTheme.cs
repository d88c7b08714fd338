// The console's colours: MudBlazor's defaults with Thingyard's blue.
using MudBlazor;

namespace Thingyard.Server.Console.Layout;

public static class ConsoleTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight { Primary = "#1f6feb", AppbarBackground = "#0d1b2a" },
    };
}
