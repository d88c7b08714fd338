// The device ports' generated certificate is RSA 2048 with keyEncipherment (mbedTLS in the C SDKs needs both); one
// generated as ECDSA by an earlier version is replaced, a configured one never is.
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Thingyard.Server.Connectivity;
using Thingyard.Server.Settings;
using Thingyard.Tests.Infrastructure;

namespace Thingyard.Tests.Connectivity;

public sealed class BrokerCertificateTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("thingyard-cert-").FullName;
    readonly LogCapture _logs = new();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    X509Certificate2 Load(string? configuredPath = null) => BrokerCertificate.Load(
        new MqttOptions { CertificatePath = configuredPath }, new SecurityOptions(), _dir, _logs.CreateLogger("test"));

    string Pfx => Path.Combine(_dir, BrokerCertificate.FileName);
    string Pem => Path.Combine(_dir, BrokerCertificate.PemFileName);

    static X509Certificate2 Ecdsa()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new CertificateRequest("CN=thingyard", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    static void AssertRsaForMbedTls(X509Certificate2 certificate)
    {
        using var rsa = certificate.GetRSAPublicKey();
        Assert.NotNull(rsa);
        Assert.Equal(2048, rsa.KeySize);
        var usage = certificate.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages;
        Assert.True(usage.HasFlag(X509KeyUsageFlags.KeyEncipherment), $"{usage}: RSA key exchange needs keyEncipherment");
    }

    [Fact]
    public void The_generated_certificate_is_rsa_with_its_pem_beside_it_and_is_kept()
    {
        using var first = Load();
        AssertRsaForMbedTls(first);
        Assert.True(first.HasPrivateKey);
        Assert.Equal(first.Thumbprint, X509Certificate2.CreateFromPem(File.ReadAllText(Pem)).Thumbprint);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Pfx));

        using var again = Load();
        Assert.Equal(first.Thumbprint, again.Thumbprint);
    }

    [Fact]
    public void An_ecdsa_certificate_generated_earlier_is_replaced_with_an_rsa_one()
    {
        using (var old = Ecdsa())
        {
            File.WriteAllBytes(Pfx, old.Export(X509ContentType.Pfx));
            File.WriteAllText(Pem, old.ExportCertificatePem() + "\n");
        }

        using var loaded = Load();
        AssertRsaForMbedTls(loaded);
        // Devices are given the new one.
        Assert.Equal(loaded.Thumbprint, X509Certificate2.CreateFromPem(File.ReadAllText(Pem)).Thumbprint);
        Assert.Contains(_logs.Lines, l => l.Level == LogLevel.Warning && l.Message.StartsWith("Replaced the generated ECDSA TLS certificate"));
    }

    [Fact]
    public void A_configured_ecdsa_certificate_is_used_as_it_is_with_a_warning()
    {
        var path = Path.Combine(_dir, "mine.pfx");
        using (var mine = Ecdsa()) File.WriteAllBytes(path, mine.Export(X509ContentType.Pfx));

        using var loaded = Load(path);
        using (var ec = loaded.GetECDsaPublicKey()) Assert.NotNull(ec);
        Assert.False(File.Exists(Pfx));
        Assert.Contains(_logs.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("has no RSA key"));
    }
}
