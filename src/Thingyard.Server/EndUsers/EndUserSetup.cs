// End users' wiring: their accounts (per request), the e-mail sender of reset codes, and `/app/v1`.
using Thingyard.EndUsers;
using Thingyard.Server.Rest;

namespace Thingyard.Server.EndUsers;

public static class EndUserSetup
{
    public static IServiceCollection AddEndUsers(this IServiceCollection services)
    {
        services.AddScoped<EndUserAccounts>();
        services.AddSingleton<EndUserMail>();
        services.AddSingleton<IEndUserMessenger>(sp => sp.GetRequiredService<EndUserMail>());
        return services;
    }

    public static void MapEndUsers(this WebApplication app) =>
        app.MapGroup("/app/v1").WithTags("End users").AddEndpointFilter<RestErrorFilter>().MapEndUserApi();
}
