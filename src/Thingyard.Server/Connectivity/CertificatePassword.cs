// The generated TLS key (mqtt-tls.pfx) is encrypted with a password derived from the master key, so the data folder
// without the master key (kept apart with Security:MasterKeyPath, or given as Security:MasterKey) does not give the
// broker's private key away. A file generated before it had a password is re-written with one at the next start.
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Thingyard.Accounts;
using Thingyard.Common;
using Thingyard.Server.Hosting;

namespace Thingyard.Server.Connectivity;

public static class CertificatePassword
{
    public static string For(ThingyardOptions options) =>
        SecretProtector.FromConfiguration(options.Security.MasterKey, options.DataDir).Derive(BrokerCertificate.FileName);

    /// <summary>Loads the generated PFX (owner-only), protecting a password-less one on the way.</summary>
    public static X509Certificate2 Load(string path, string password)
    {
        OwnerOnly.Restrict(path);
        try
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, password);
        }
        catch (CryptographicException)
        {
            var unprotected = X509CertificateLoader.LoadPkcs12FromFile(path, null, X509KeyStorageFlags.Exportable);
            OwnerOnly.WriteAllBytes(path, unprotected.Export(X509ContentType.Pfx, password));
            return unprotected;
        }
    }
}
