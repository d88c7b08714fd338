// Accounts area wiring: secret sealing, AccessKey lookup, nonce replay guard.
using Thingyard.Accounts;
using Thingyard.Server.Hosting;

namespace Thingyard.Server.Accounts;

public static class AccountsSetup
{
    public static IServiceCollection AddAccounts(this IServiceCollection services, ThingyardOptions options)
    {
        services.AddSingleton(SecretProtector.FromConfiguration(options.Security.MasterKey, options.DataDir));
        services.AddSingleton<AccessKeyStore>();
        services.AddSingleton<NonceGuard>();
        services.AddScoped<AccountAdmin>();
        return services;
    }
}
