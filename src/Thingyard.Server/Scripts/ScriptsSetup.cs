// Data parsing wiring: the script store per request, the compiled-script cache and runner of the message path, the
// raw and custom-topic uplink routes, and the signed download behind GetThingScript's ScriptUrl.
using Thingyard.Scripts;
using Thingyard.Server.Connectivity;
using Thingyard.Server.Settings;

namespace Thingyard.Server.Scripts;

public static class ScriptsSetup
{
    public static IServiceCollection AddScripts(this IServiceCollection services)
    {
        services.AddSingleton<ScriptChanges>();
        services.AddSingleton(sp => sp.GetRequiredService<ScriptOptions>().Limits);
        services.AddScoped<ThingScripts>();
        services.AddSingleton<ScriptRunner>();
        services.AddSingleton<ScriptUplinks>();
        services.AddSingleton<ScriptDownloads>();
        return services.AddUplinkRoutes(ScriptUplinks.Routes);
    }

    public static void MapScripts(this WebApplication app) =>
        app.MapGet("/thing-scripts/{productKey}/{version:int}", ScriptDownloads.DownloadAsync).ExcludeFromDescription();
}
