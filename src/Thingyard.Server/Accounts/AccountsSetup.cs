// Accounts area wiring: secret sealing, AccessKey lookup, nonce replay guard (in memory and in the database), the
// failed-credential throttle every door shares.
using Thingyard.Accounts;
using Thingyard.Server.Hosting;

namespace Thingyard.Server.Accounts;

public static class AccountsSetup
{
    public static IServiceCollection AddAccounts(this IServiceCollection services, ThingyardOptions options)
    {
        services.AddSingleton(MasterKeys.Current(options));
        services.AddSingleton<AccessKeyStore>();
        services.AddSingleton(sp => new AuthThrottle(options.Security.AuthFailures, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<NonceLedger>();
        services.AddSingleton<NonceGuard>();
        services.AddHostedService<NoncePruner>();
        services.AddScoped<AccountAdmin>();
        return services;
    }
}
