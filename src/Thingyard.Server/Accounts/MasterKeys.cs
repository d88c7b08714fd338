// The master key as the Security settings name it, and the previous one while keys are rotated.
using Thingyard.Accounts;
using Thingyard.Server.Settings;

namespace Thingyard.Server.Accounts;

public static class MasterKeys
{
    public static SecretProtector Current(SecurityOptions security, string dataDir) =>
        SecretProtector.FromConfiguration(security.MasterKey, security.MasterKeyPath, dataDir);

    /// <summary>Null unless a rotation is under way (PreviousMasterKey or PreviousMasterKeyPath set).</summary>
    public static SecretProtector? Previous(SecurityOptions security)
    {
        if (!string.IsNullOrWhiteSpace(security.PreviousMasterKey)) return new SecretProtector(Convert.FromBase64String(security.PreviousMasterKey));
        return string.IsNullOrWhiteSpace(security.PreviousMasterKeyPath) ? null : SecretProtector.FromKeyFile(security.PreviousMasterKeyPath);
    }
}
