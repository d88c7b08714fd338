// End users' wiring: their accounts and devices (per request), the e-mail sender of reset codes, the devices' bind
// topics, proprietary apps' signatures, `/app/v1` and the consumer web app at `/app/{projectId}/`.
using Thingyard.EndUsers;
using Thingyard.Server.Connectivity;
using Thingyard.Server.Rest;

namespace Thingyard.Server.EndUsers;

public static class EndUserSetup
{
    public static IServiceCollection AddEndUsers(this IServiceCollection services)
    {
        services.AddScoped<EndUserAccounts>();
        services.AddScoped<EndUserDevices>();
        services.AddScoped<BindCodes>();
        services.AddScoped<ProprietaryApps>();
        services.AddSingleton<BindingChanges>();
        services.AddSingleton<EndUserMail>();
        services.AddSingleton<IEndUserMessenger>(sp => sp.GetRequiredService<EndUserMail>());
        services.AddSingleton<BindingUplinks>();
        services.AddScoped<AppSignature>();
        return services.AddUplinkRoutes(BindingUplinks.Routes);
    }

    public static void MapEndUsers(this WebApplication app)
    {
        AppSignature.Use(app);
        var api = app.MapGroup("/app/v1").WithTags("End users").AddEndpointFilter<RestErrorFilter>();
        api.MapEndUserApi();
        api.MapGroup("").AddEndpointFilter<EndUserAuth>().MapEndUserDeviceApi();
        app.MapConsumerApp();
    }
}
