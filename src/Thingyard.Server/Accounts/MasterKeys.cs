// The master key as the Security settings name it, and the previous one while keys are rotated.
using Thingyard.Accounts;
using Thingyard.Server.Hosting;

namespace Thingyard.Server.Accounts;

public static class MasterKeys
{
    public static SecretProtector Current(ThingyardOptions options) =>
        SecretProtector.FromConfiguration(options.Security.MasterKey, options.Security.MasterKeyPath, options.DataDir);

    /// <summary>Null unless a rotation is under way (PreviousMasterKey or PreviousMasterKeyPath set).</summary>
    public static SecretProtector? Previous(ThingyardOptions options)
    {
        var security = options.Security;
        if (!string.IsNullOrWhiteSpace(security.PreviousMasterKey)) return new SecretProtector(Convert.FromBase64String(security.PreviousMasterKey));
        return string.IsNullOrWhiteSpace(security.PreviousMasterKeyPath) ? null : SecretProtector.FromKeyFile(security.PreviousMasterKeyPath);
    }
}
