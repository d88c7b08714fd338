// The generated TLS key (mqtt-tls.pfx) is encrypted with a password derived from the master key, so the data folder
// without the master key (kept apart with Security:MasterKeyPath, or given as Security:MasterKey) does not give the
// broker's private key away. A file generated before it had a password, or under the previous master key while keys
// are rotated, is re-written under the current one.
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Thingyard.Common;
using Thingyard.Server.Accounts;
using Thingyard.Server.Settings;

namespace Thingyard.Server.Connectivity;

public static class CertificatePassword
{
    public static string For(SecurityOptions security, string dataDir) => MasterKeys.Current(security, dataDir).Derive(BrokerCertificate.FileName);

    /// <summary>Loads the generated PFX (owner-only), re-protecting a password-less one or one under the previous key.</summary>
    public static X509Certificate2 Load(SecurityOptions security, string path, string password)
    {
        OwnerOnly.Restrict(path);
        try
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, password);
        }
        catch (CryptographicException)
        {
            var old = MasterKeys.Previous(security)?.Derive(BrokerCertificate.FileName);
            X509Certificate2 loaded;
            try { loaded = X509CertificateLoader.LoadPkcs12FromFile(path, old, X509KeyStorageFlags.Exportable); }
            catch (CryptographicException) when (old is not null) { loaded = X509CertificateLoader.LoadPkcs12FromFile(path, null, X509KeyStorageFlags.Exportable); }
            OwnerOnly.WriteAllBytes(path, loaded.Export(X509ContentType.Pfx, password));
            return loaded;
        }
    }
}
